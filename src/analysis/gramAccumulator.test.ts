import { describe, expect, it } from 'vitest';
import { GramAccumulator, mergeGram } from './gramAccumulator.ts';
import { naiveGram, seededRandom } from '../../test/support/testMatrices.ts';
import type { SpectrumMode } from '../contracts/tables.ts';

function randomTable(rows: number, dim: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: rows * dim }, () => rand() * 2 - 1 + 0.3);
}

/** Feeds the table in uneven blocks, so group boundaries and remainders are exercised. */
function accumulate(data: Float32Array | Float64Array, rows: number, dim: number, mode: SpectrumMode, blocks = [5, 13, 1, 8]): GramAccumulator {
  const acc = new GramAccumulator(dim, mode);
  let r = 0;
  for (let b = 0; r < rows; b++) {
    const n = Math.min(blocks[b % blocks.length], rows - r);
    acc.add(data.subarray(r * dim, (r + n) * dim), n);
    r += n;
  }
  return acc;
}

function expectClose(actual: Float64Array, expected: Float64Array, rel = 1e-12): void {
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(rel * scale);
}

describe('GramAccumulator', () => {
  it.each([1, 2, 3, 7, 64])('raw mode equals E^T E for dim %i', (dim) => {
    const rows = 53;
    const e = randomTable(rows, dim, dim);
    const acc = accumulate(e, rows, dim, 'raw');
    expect(acc.rows).toBe(rows);
    expect(acc.excludedRows).toBe(0);
    expectClose(acc.gram(), naiveGram(e, rows, dim));
  });

  it('the Gram is exactly symmetric', () => {
    const g = accumulate(randomTable(40, 9, 3), 40, 9, 'raw').gram();
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) expect(g[i * 9 + j]).toBe(g[j * 9 + i]);
  });

  it('recscope mode L2-normalises each row with the 1e-8 guard', () => {
    const rows = 29;
    const dim = 6;
    const e = randomTable(rows, dim, 11);
    e.fill(0, 0, dim); // an all-zero row stays zero instead of dividing by zero
    const normalised = new Float64Array(rows * dim);
    for (let r = 0; r < rows; r++) {
      let sq = 0;
      for (let j = 0; j < dim; j++) sq += e[r * dim + j] ** 2;
      for (let j = 0; j < dim; j++) normalised[r * dim + j] = e[r * dim + j] / (Math.sqrt(sq) + 1e-8);
    }
    expectClose(accumulate(e, rows, dim, 'recscope').gram(), naiveGram(normalised, rows, dim));
  });

  it('centered mode returns G - s s^T / n, the Gram of the mean-centred rows', () => {
    const rows = 41;
    const dim = 5;
    const e = randomTable(rows, dim, 5);
    const mean = new Float64Array(dim);
    for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j] += e[r * dim + j] / rows;
    const centred = Float64Array.from(e, (v, i) => v - mean[i % dim]);
    expectClose(accumulate(e, rows, dim, 'centered').gram(), naiveGram(centred, rows, dim), 1e-11);
  });

  it('skips and counts rows with NaN or Inf; the rest give the same Gram as a clean table', () => {
    const dim = 4;
    const clean = randomTable(30, dim, 2);
    const dirty = new Float32Array(33 * dim);
    dirty.set([NaN, 1, 2, 3], 0);
    dirty.set(clean.subarray(0, 10 * dim), dim);
    dirty.set([1, Infinity, 2, 3], 11 * dim);
    dirty.set(clean.subarray(10 * dim, 20 * dim), 12 * dim);
    dirty.set([1, 2, 3, -Infinity], 22 * dim);
    dirty.set(clean.subarray(20 * dim), 23 * dim);
    for (const mode of ['raw', 'recscope', 'centered'] as const) {
      const acc = accumulate(dirty, 33, dim, mode, [33]);
      expect(acc.rows).toBe(30);
      expect(acc.excludedRows).toBe(3);
      expect(acc.gram()).toEqual(accumulate(clean, 30, dim, mode, [30]).gram());
    }
  });

  it('reads float64 blocks and huge finite values without calling them non-finite', () => {
    const e = Float64Array.from([1e200, 0, 0, 1e-200, 3, 4]);
    const acc = new GramAccumulator(2, 'raw');
    acc.add(e, 3);
    expect(acc.excludedRows).toBe(0);
    expect(acc.rows).toBe(3);
  });

  it('mergeGram of chunk accumulators equals one accumulator over all rows', () => {
    const dim = 8;
    const e = randomTable(100, dim, 9);
    for (const mode of ['raw', 'recscope', 'centered'] as const) {
      const a = accumulate(e.subarray(0, 37 * dim), 37, dim, mode);
      const b = accumulate(e.subarray(37 * dim), 63, dim, mode);
      const merged = mergeGram(a, b.state());
      expect(merged.rows).toBe(100);
      expectClose(merged.gram(), accumulate(e, 100, dim, mode).gram());
      // inputs untouched
      expect(a.rows).toBe(37);
      expectClose(a.gram(), accumulate(e.subarray(0, 37 * dim), 37, dim, mode).gram(), 0);
    }
  });

  it('state() round-trips through fromState and is a copy', () => {
    const acc = accumulate(randomTable(20, 3, 4), 20, 3, 'centered');
    const state = acc.state();
    const copy = GramAccumulator.fromState(structuredClone(state));
    expect(copy.gram()).toEqual(acc.gram());
    state.upper.fill(0);
    expect(acc.gram()).toEqual(copy.gram());
  });

  it('rejects mismatched merges and short blocks', () => {
    expect(() => mergeGram(new GramAccumulator(3, 'raw'), new GramAccumulator(4, 'raw'))).toThrow(/cannot merge/);
    expect(() => mergeGram(new GramAccumulator(3, 'raw'), new GramAccumulator(3, 'recscope'))).toThrow(/cannot merge/);
    expect(() => new GramAccumulator(3, 'raw').add(new Float32Array(5), 2)).toThrow(RangeError);
    expect(() => new GramAccumulator(0, 'raw')).toThrow(RangeError);
  });
});
