import { describe, expect, it } from 'vitest';
import { householderQlEigenvalues } from './householderQl.ts';
import { jacobiEigenvalues } from './jacobiEigen.ts';
import { JACOBI_MAX_N, symmetricEigenvalues } from './symmetricEigen.ts';
import { seededRandom, symmetricWithEigenvalues } from '../../test/support/testMatrices.ts';
import { checksum, EIGEN_CASE_SIZES, eigenCases } from '../../test/support/eigenCases.ts';
import reference from '../../test/eigen/reference.json';

function expectEigenvalues(actual: Float64Array, expected: number[], rel = 1e-13): void {
  const sorted = [...expected].sort((a, b) => b - a);
  const scale = Math.max(...sorted.map(Math.abs));
  expect(actual.length).toBe(sorted.length);
  sorted.forEach((v, i) => expect(Math.abs(actual[i] - v)).toBeLessThanOrEqual(rel * scale));
}

describe('symmetricEigenvalues', () => {
  it('1 x 1', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.of(-2.5), 1))).toEqual([-2.5]);
  });

  it('a 2 x 2 with a closed form', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1
    expectEigenvalues(symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2), [3, 1]);
  });

  it('a diagonal matrix returns its diagonal, sorted descending', () => {
    const a = new Float64Array(9);
    a[0] = 1;
    a[4] = 5;
    a[8] = -3;
    expect(Array.from(symmetricEigenvalues(a, 3))).toEqual([5, 1, -3]);
  });

  it('does not modify its input and reads only the upper triangle', () => {
    const a = Float64Array.of(2, 1, 999, 2);
    const before = a.slice();
    expectEigenvalues(symmetricEigenvalues(a, 2), [3, 1]);
    expect(a).toEqual(before);
  });

  it.each([3, 10, 32, 64])('recovers known eigenvalues of a rotated %i x %i diagonal', (n) => {
    const rand = seededRandom(n);
    const eig = Array.from({ length: n }, () => rand() * 10 - 2);
    expectEigenvalues(symmetricEigenvalues(symmetricWithEigenvalues(eig, rand), n), eig);
  });

  it('repeated eigenvalues', () => {
    const eig = [4, 4, 4, 1, 1, 0.5, 0.5, 0.5, 0.5, 9];
    expectEigenvalues(symmetricEigenvalues(symmetricWithEigenvalues(eig, seededRandom(1)), 10), eig);
  });

  it('rank-deficient: zero eigenvalues come out at rounding level', () => {
    const eig = [5, 3, 1, 0, 0, 0, 0, 0];
    expectEigenvalues(symmetricEigenvalues(symmetricWithEigenvalues(eig, seededRandom(2)), 8), eig);
  });

  it('a geometric spectrum over 16 orders of magnitude keeps the large ones and bounds the small', () => {
    const eig = Array.from({ length: 32 }, (_, i) => 2 ** -i);
    const got = symmetricEigenvalues(symmetricWithEigenvalues(eig, seededRandom(3)), 32);
    expectEigenvalues(got, eig);
    // the top ones to full relative precision
    for (let i = 0; i < 8; i++) expect(Math.abs(got[i] - eig[i]) / eig[i]).toBeLessThan(1e-12);
  });

  it('rejects non-finite entries and short arrays', () => {
    expect(() => symmetricEigenvalues(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/non-finite/);
    expect(() => symmetricEigenvalues(new Float64Array(3), 2)).toThrow(RangeError);
  });
});

const descending = (v: Float64Array) => Float64Array.from(v).sort().reverse();

describe('householderQlEigenvalues', () => {
  it('1 x 1, 2 x 2 in closed form, and a diagonal matrix', () => {
    expect(Array.from(householderQlEigenvalues(Float64Array.of(7), 1))).toEqual([7]);
    const [a, b, c] = [2, 1, 3];
    const closed = [(a + c) / 2 + Math.hypot((a - c) / 2, b), (a + c) / 2 - Math.hypot((a - c) / 2, b)];
    expectEigenvalues(descending(householderQlEigenvalues(Float64Array.of(a, b, b, c), 2)), closed);
    expectEigenvalues(descending(householderQlEigenvalues(Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 5), 3)), [5, 3, -1]);
  });

  it.each([5, 40, 130])('matches known eigenvalues of a random %i x %i matrix, repeated and zero ones included', (n) => {
    const rand = seededRandom(n);
    const eig = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 5 === 0 ? 2 : rand() * 10 - 3));
    expectEigenvalues(descending(householderQlEigenvalues(symmetricWithEigenvalues(eig, seededRandom(n + 1)), n)), eig);
  });

  it('reads only the upper triangle and leaves its input as it was', () => {
    const m = symmetricWithEigenvalues([4, 2, 1, 0.5], seededRandom(9));
    const copy = m.slice();
    for (let i = 1; i < 4; i++) for (let j = 0; j < i; j++) m[i * 4 + j] = 99; // garbage below the diagonal
    const upperOnly = m.slice();
    expectEigenvalues(descending(householderQlEigenvalues(m, 4)), [4, 2, 1, 0.5]);
    expect(m).toEqual(upperOnly);
    expect(copy).not.toEqual(upperOnly);
  });
});

describe('symmetricEigenvalues above JACOBI_MAX_N', () => {
  it('takes the Householder + QL path at 300 and and agrees with known eigenvalues of a Gram-like (PSD, geometric) spectrum', () => {
    const n = JACOBI_MAX_N + 44;
    const eig = Array.from({ length: n }, (_, i) => (i < n - 20 ? 2 ** (-i / 20) : 0));
    const got = symmetricEigenvalues(symmetricWithEigenvalues(eig, seededRandom(5)), n);
    expectEigenvalues(got, eig, 1e-12);
    for (let i = 0; i < 20; i++) expect(Math.abs(got[i] - eig[i]) / eig[i]).toBeLessThan(1e-11);
    expect(() => symmetricEigenvalues(new Float64Array(n * n).fill(NaN), n)).toThrow(/non-finite/);
  });
});

/**
 * Ill-conditioned Grams (smallest eigenvalues 1e-8 of the largest, a collapsed cluster, exact
 * zeros, the float64 Gram of a float32 table) against the exact eigenvalues of the stored matrix
 * (mpmath at 40 digits) and against numpy's eigvalsh, both made by scripts/eigenReference.ts.
 * Tolerances: every eigenvalue within 1e-14 x lambda_max (measured worst: Householder + QL 1.6e-15,
 * Jacobi 4.4e-16, numpy itself 3.7e-15), and each eigenvalue >= 1e-8 x lambda_max within 1e-7 of
 * itself (measured worst 6.2e-9, numpy 5.3e-9): s_i / s_1 then keeps ~7 significant digits.
 */
describe('accuracy on ill-conditioned Grams against float64 references', () => {
  const ABS = 1e-14;
  const REL = 1e-7;
  const cases = EIGEN_CASE_SIZES.flatMap(eigenCases);
  const solvers: [string, (a: Float64Array, n: number) => Float64Array][] = [
    ['symmetricEigenvalues', symmetricEigenvalues],
    ['Householder + QL', (a, n) => descending(householderQlEigenvalues(a, n))],
    ['Jacobi', (a, n) => descending(jacobiEigenvalues(a, n))],
  ];

  it('the reference covers every case, built from the same matrices', () => {
    expect(reference.cases.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    for (const c of cases) expect(checksum(c.matrix), c.name).toBe(reference.cases.find((r) => r.name === c.name)?.checksum);
  });

  for (const [solver, solve] of solvers) {
    it.each(cases.map((c) => [c.name, c] as const))(`${solver}: %s`, (_, c) => {
      if (solver === 'Jacobi' && c.n > 128) return; // seconds each; the 64 and 128 cases cover it
      const ref = reference.cases.find((r) => r.name === c.name)!;
      const got = solve(c.matrix, c.n);
      const top = ref.mpmath40[0];
      for (let i = 0; i < c.n; i++) {
        const exact = ref.mpmath40[i];
        expect(Math.abs(got[i] - exact), `${c.name} eigenvalue ${i}`).toBeLessThanOrEqual(ABS * top);
        expect(Math.abs(got[i] - ref.numpy[i]), `${c.name} eigenvalue ${i} vs numpy`).toBeLessThanOrEqual(ABS * top);
        if (exact >= 1e-8 * top) expect(Math.abs(got[i] - exact) / exact, `${c.name} eigenvalue ${i}, relative`).toBeLessThanOrEqual(REL);
      }
    });
  }
});
