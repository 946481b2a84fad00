import { describe, expect, it } from 'vitest';
import { GramAccumulator } from './gramAccumulator.ts';
import { effectiveRank, fieldResult, informationAbundance, normalizedSpectrum, singularValuesFromGram } from './spectrum.ts';
import { naiveGram, seededRandom, tableWithSingularValues } from './testMatrices.ts';

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
