import { describe, expect, it } from 'vitest';
import { createRng } from '../../data/ctr/prng.ts';
import type { SequenceBatch } from './sequenceBatch.ts';
import { wasmSearchKernel } from './searchKernelWasm.ts';

/** A random batch: rows x L, some padding on the left of each row, ids in range. */
function batch(seed: number, rows: number, L: number, items: number, categories: number): SequenceBatch {
  const rng = createRng(seed);
  const int = (n: number) => Math.floor(rng.next() * n);
  const histItems = new Int32Array(rows * L);
  const histCategories = new Int32Array(rows * L);
  for (let r = 0; r < rows; r++) {
    const pad = int(L);
    for (let j = pad; j < L; j++) {
      histItems[r * L + j] = 1 + int(items - 1);
      histCategories[r * L + j] = 1 + int(categories - 1);
    }
  }
  return {
    rows,
    historyLength: L,
    labels: new Float32Array(rows),
    users: new Int32Array(rows),
    targetItems: Int32Array.from({ length: rows }, () => 1 + int(items - 1)),
    targetCategories: Int32Array.from({ length: rows }, () => 1 + int(categories - 1)),
    histItems,
    histCategories,
  };
}

const table = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() - 0.5);
};

describe('searchKernelWasm (the search scores in WebAssembly SIMD)', () => {
  it('is available under Node', () => {
    expect(wasmSearchKernel()).not.toBeNull();
  });

  // Dims that do and do not fill whole groups of 4; per-category scores and a dot per column.
  it.each([
    [1, true],
    [3, false],
    [4, true],
    [6, false],
    [8, true],
    [16, false],
    [16, true],
  ])('attention dim %i (per category: %s): the float64 scores of a plain loop', (a, perCategory) => {
    const [rows, L, items, categories] = [7, 13, 50, 9];
    const b = batch(a, rows, L, items, categories);
    const item = table(100 + a, items * a);
    const category = table(200 + a, categories * a);
    const byPosition = Float64Array.from(table(300 + a, L + 1));
    const got = wasmSearchKernel()!.scores(b, { item, category, dim: a }, byPosition, perCategory).slice();
    const dot = (t: Float32Array, x: number, y: number) => {
      let s = 0;
      for (let e = 0; e < a; e++) s += t[x * a + e] * t[y * a + e];
      return s;
    };
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < L; j++) {
        const hi = b.histItems[r * L + j];
        const content = dot(item, b.targetItems[r], hi) + dot(category, b.targetCategories[r], b.histCategories[r * L + j]);
        const want = content / Math.sqrt(2 * a) + byPosition[L - j] + (hi === 0 ? -1e9 : 0);
        // The same float64 products summed in another order: the last bits may differ.
        expect(Math.abs(got[r * L + j] - want)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want)) * 8);
      }
    }
  });

  it('a larger batch after a smaller one grows the memory and gives the same rows', () => {
    const a = 8;
    const item = table(1, 400 * a);
    const category = table(2, 30 * a);
    const byPosition = Float64Array.from(table(3, 61));
    const small = batch(5, 3, 60, 400, 30);
    const first = wasmSearchKernel()!.scores(small, { item, category, dim: a }, byPosition, true).slice();
    const big = batch(6, 3000, 60, 400, 30);
    const rows = { ...big, targetItems: big.targetItems.slice(), targetCategories: big.targetCategories.slice() };
    rows.targetItems.set(small.targetItems);
    rows.targetCategories.set(small.targetCategories);
    rows.histItems.set(small.histItems);
    rows.histCategories.set(small.histCategories);
    const second = wasmSearchKernel()!.scores(rows, { item, category, dim: a }, byPosition, true);
    expect(second.length).toBe(3000 * 60);
    expect(Array.from(second.subarray(0, first.length))).toEqual(Array.from(first));
  });
});
