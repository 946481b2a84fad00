import { describe, expect, it } from 'vitest';
import { householderQlEigenvalues } from './householderQl.ts';
import { JACOBI_MAX_N, symmetricEigenvalues } from './symmetricEigen.ts';
import { seededRandom, symmetricWithEigenvalues } from './testMatrices.ts';

const descending = (v: Float64Array) => Float64Array.from(v).sort().reverse();

function expectEigenvalues(actual: Float64Array, expected: number[], rel = 1e-13): void {
  const sorted = [...expected].sort((a, b) => b - a);
  const scale = Math.max(...sorted.map(Math.abs));
  expect(actual.length).toBe(sorted.length);
  sorted.forEach((v, i) => expect(Math.abs(actual[i] - v)).toBeLessThanOrEqual(rel * scale));
}

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
  it('takes the Householder + QL path and agrees with known eigenvalues of a Gram-like (PSD, geometric) spectrum', () => {
    const n = JACOBI_MAX_N + 44;
    const eig = Array.from({ length: n }, (_, i) => (i < n - 20 ? 2 ** (-i / 20) : 0));
    const got = symmetricEigenvalues(symmetricWithEigenvalues(eig, seededRandom(5)), n);
    expectEigenvalues(got, eig, 1e-12);
    for (let i = 0; i < 20; i++) expect(Math.abs(got[i] - eig[i]) / eig[i]).toBeLessThan(1e-11);
    expect(() => symmetricEigenvalues(new Float64Array(n * n).fill(NaN), n)).toThrow(/non-finite/);
  });
});
