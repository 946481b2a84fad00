import { describe, expect, it } from 'vitest';
import { GramAccumulator } from './gramAccumulator.ts';
import { effectiveRank, fieldResult, informationAbundance, normalizedSpectrum, singularValuesFromGram } from './spectrum.ts';
import { naiveGram, seededRandom, tableWithSingularValues } from '../../test/support/testMatrices.ts';

describe('singularValuesFromGram', () => {
  it('recovers the singular values of a table built with them', () => {
    const sv = [3, 2, 1, 0.5, 1e-3];
    const e = tableWithSingularValues(50, 8, sv, seededRandom(1));
    const got = singularValuesFromGram(naiveGram(e, 50, 8), 8, 50);
    expect(got).toHaveLength(8);
    sv.forEach((s, i) => expect(Math.abs(got[i] - s)).toBeLessThan(1e-12 * 3));
    // rank 5: the rest are zero up to sqrt(rounding), never NaN from a tiny negative eigenvalue
    for (const s of got.slice(5)) expect(s).toBeLessThan(1e-6);
  });

  it('has length min(rows, dim)', () => {
    const e = tableWithSingularValues(3, 8, [2, 1, 0.5], seededRandom(2));
    const got = singularValuesFromGram(naiveGram(e, 3, 8), 8, 3);
    expect(got).toHaveLength(3);
    [2, 1, 0.5].forEach((s, i) => expect(got[i]).toBeCloseTo(s, 12));
  });
});

describe('spectrum summaries', () => {
  it('normalizedSpectrum divides by s_1 and zero-pads to dim', () => {
    expect(normalizedSpectrum([4, 2, 1], 5)).toEqual([1, 0.5, 0.25, 0, 0]);
  });

  it('information abundance is K for a flat spectrum and 1 for rank one', () => {
    expect(informationAbundance([2, 2, 2, 2])).toBe(4);
    expect(informationAbundance([5, 0, 0, 0])).toBe(1);
    expect(informationAbundance([4, 2, 1])).toBe(1.75);
  });

  it('effective rank is exp of the entropy of s / sum s', () => {
    expect(effectiveRank([3, 3, 3])).toBeCloseTo(3, 14);
    expect(effectiveRank([7, 0, 0])).toBe(1);
    const p = [0.5, 0.25, 0.25];
    expect(effectiveRank([2, 1, 1])).toBeCloseTo(Math.exp(-p.reduce((h, q) => h + q * Math.log(q), 0)), 14);
  });

  it('an all-zero table has no spectrum: zeros, IA 0, effective rank 0', () => {
    expect(normalizedSpectrum([0, 0], 3)).toEqual([0, 0, 0]);
    expect(informationAbundance([0, 0])).toBe(0);
    expect(effectiveRank([0, 0])).toBe(0);
    expect(informationAbundance([])).toBe(0);
  });
});

describe('fieldResult', () => {
  it('assembles a FieldResult from an accumulator', () => {
    const sv = [4, 2, 1];
    const e = tableWithSingularValues(20, 3, sv, seededRandom(3));
    const acc = new GramAccumulator(3, 'raw');
    acc.add(e, 20);
    acc.add(Float64Array.of(NaN, 0, 0), 1);
    const r = fieldResult('user_id', acc);
    expect(r.name).toBe('user_id');
    expect(r.rows).toBe(20);
    expect(r.dim).toBe(3);
    expect(r.excluded_rows).toBe(1);
    r.singular_values.forEach((s, i) => expect(s).toBeCloseTo(sv[i], 12));
    r.normalized_spectrum.forEach((s, i) => expect(s).toBeCloseTo(sv[i] / 4, 12));
    expect(r.information_abundance).toBeCloseTo(1.75, 12);
    expect(r.effective_rank).toBeCloseTo(effectiveRank(sv), 12);
  });

  it('centered mode on a table with a large mean gives the singular values of the centred table', () => {
    const sv = [3, 1, 0.25];
    const mean = [10, -4, 2, 7];
    const e = tableWithSingularValues(60, 4, sv, seededRandom(4), mean);
    const acc = new GramAccumulator(4, 'centered');
    acc.add(e, 60);
    const r = fieldResult('f', acc);
    sv.forEach((s, i) => expect(Math.abs(r.singular_values[i] - s)).toBeLessThan(1e-9));
    expect(r.singular_values[3]).toBeLessThan(1e-5);
    // without centering the mean dominates
    const raw = new GramAccumulator(4, 'raw');
    raw.add(e, 60);
    expect(fieldResult('f', raw).singular_values[0]).toBeGreaterThan(80);
  });
});

describe('fieldResult at the ends of float64', () => {
  // Full rank: the zero singular values of a rank-deficient table are sqrt(rounding) noise, different at every scale.
  const base = [3, 2, 1, 0.5, 0.3, 0.2, 0.1, 0.05];
  const table = tableWithSingularValues(50, 8, base, seededRandom(3));
  const result = (scale: number, mode: 'raw' | 'centered' | 'recscope', rows = 50) => {
    const acc = new GramAccumulator(8, mode);
    // Uneven blocks, so a rescale lands with rows still waiting in the kernel's scratch.
    for (let r = 0; r < rows; r += 7) acc.add(table.map((v) => v * scale).subarray(r * 8, Math.min(rows, r + 7) * 8), Math.min(7, rows - r));
    return fieldResult('f', acc);
  };

  it.each([1e200, 1e-200, 1e300, 1e-300, 1e-310])('raw mode: values scaled by %s give singular values scaled by it, and the same IA', (scale) => {
    const plain = result(1, 'raw');
    const scaled = result(scale, 'raw');
    expect(scaled.information_abundance).toBeCloseTo(plain.information_abundance, 10);
    plain.singular_values.forEach((s, i) => expect(scaled.singular_values[i] / scale / s).toBeCloseTo(1, 9));
    expect(JSON.stringify(scaled)).not.toContain('null');
  });

  it.each([1e200, 1e-200, 1e-310])('centered mode is scale-free at %s, as its formula is', (scale) => {
    const plain = result(1, 'centered');
    const scaled = result(scale, 'centered');
    expect(scaled.information_abundance).toBeCloseTo(plain.information_abundance, 10);
    scaled.normalized_spectrum.forEach((v, i) => expect(v).toBeCloseTo(plain.normalized_spectrum[i], 10));
  });

  it('RecScope mode follows e / (||e|| + 1e-8) at both ends: normalised rows at 1e200, e x 1e8 (the raw spectrum) at 1e-200', () => {
    // At scale 1 the 1e-8 guard shifts row norms ~0.4 by 2.5e-8 relative; at 1e200 it vanishes.
    expect(result(1e200, 'recscope').information_abundance).toBeCloseTo(result(1, 'recscope').information_abundance, 7);
    const tiny = result(1e-200, 'recscope');
    expect(tiny.information_abundance).toBeCloseTo(result(1, 'raw').information_abundance, 10);
    expect(tiny.singular_values[0] / 3e-192).toBeCloseTo(1, 9);
  });

  it('a few huge rows among ordinary ones keep the ordinary ones in float64 range', () => {
    const acc = new GramAccumulator(2, 'raw');
    acc.add(Float64Array.from([1, 0, 0, 1, 1e250, 0, 0, 2e250]), 4);
    const { singular_values: sv } = fieldResult('f', acc);
    expect(sv[0] / 2e250).toBeCloseTo(1, 12);
    expect(sv[1] / 1e250).toBeCloseTo(1, 12);
  });

  it('merges partial Grams summed at different scales (row ranges from helper workers)', () => {
    const big = new GramAccumulator(8, 'raw');
    const small = new GramAccumulator(8, 'raw');
    big.add(
      table.subarray(0, 25 * 8).map((v) => v * 1e200),
      25,
    );
    small.add(
      table.subarray(25 * 8).map((v) => v * 1e200),
      25,
    );
    big.addState(small.state());
    expect(fieldResult('f', big).information_abundance).toBeCloseTo(result(1e200, 'raw').information_abundance, 10);
    const ordinary = new GramAccumulator(8, 'raw');
    ordinary.add(table.subarray(25 * 8), 25);
    const state = ordinary.state();
    ordinary.addState(small.state());
    // The ordinary rows are ~1e-200 of the huge ones: merged in either order, they vanish as they would in exact arithmetic.
    expect(fieldResult('f', ordinary).information_abundance).toBeCloseTo(fieldResult('f', small).information_abundance, 12);
    small.addState(state);
    expect(fieldResult('f', small).singular_values).toEqual(fieldResult('f', ordinary).singular_values);
  });

  it('IA and effective rank of values near the largest float64 stay finite (their sum would overflow)', () => {
    const acc = new GramAccumulator(2, 'raw');
    acc.add(Float64Array.from([1e308, 0, 0, 1e308]), 2);
    const f = fieldResult('f', acc);
    expect(f.singular_values).toEqual([1e308, 1e308]);
    expect(f.information_abundance).toBeCloseTo(2, 12);
    expect(f.effective_rank).toBeCloseTo(2, 12);
  });

  it('singular values beyond the largest float64 are an error naming the cause, never null in the JSON', () => {
    const acc = new GramAccumulator(4, 'raw');
    acc.add(new Float64Array(64).fill(1.5e308), 16);
    expect(() => fieldResult('huge', acc)).toThrow(/Field "huge" has values so large that its singular values exceed the largest float64/);
  });
});
