/** The search's JS loop, which runs where WebAssembly SIMD is missing (Node always has it, so it is forced here). */
import { describe, expect, it, vi } from 'vitest';
import { createRng } from '../../data/ctr/prng.ts';
import type { SequenceBatch } from './sequenceBatch.ts';
import type * as SearchKernel from './searchKernelWasm.ts';
import { searchScores, searchTopK, type SearchTables } from './searchStage.ts';

const kernel = vi.hoisted(() => ({ off: false }));
vi.mock('./searchKernelWasm.ts', async (actual) => {
  const real = await actual<typeof SearchKernel>();
  return { wasmSearchKernel: () => (kernel.off ? null : real.wasmSearchKernel()) };
});

/** rows x L histories, left-padded, ids in range; tables of dim a. */
function problem(seed: number, rows: number, L: number, items: number, categories: number, a: number): { batch: SequenceBatch; tables: SearchTables } {
  const rng = createRng(seed);
  const int = (n: number) => Math.floor(rng.next() * n);
  const histItems = new Int32Array(rows * L);
  const histCategories = new Int32Array(rows * L);
  for (let r = 0; r < rows; r++)
    for (let j = int(L); j < L; j++) {
      histItems[r * L + j] = 1 + int(items - 1);
      histCategories[r * L + j] = 1 + int(categories - 1);
    }
  const table = (n: number) => Float32Array.from({ length: n * a }, () => rng.next() - 0.5);
  return {
    batch: {
      rows,
      historyLength: L,
      labels: new Float32Array(rows),
      users: new Int32Array(rows),
      targetItems: Int32Array.from({ length: rows }, () => 1 + int(items - 1)),
      targetCategories: Int32Array.from({ length: rows }, () => 1 + int(categories - 1)),
      histItems,
      histCategories,
    },
    tables: { item: table(items), category: table(categories), position: table(L + 1), dim: a },
  };
}

describe('the search without WebAssembly SIMD (its JS loop)', () => {
  // Fewer categories than columns (per-category dots) and more; dims with and without a remainder of 4.
  it.each([
    [3, 9, 40],
    [8, 60, 20],
    [16, 7, 30],
  ])('attention dim %i, %i categories, history %i: the scores and top-k of the SIMD kernel', (a, categories, L) => {
    const { batch, tables } = problem(a + categories, 50, L, 200, categories, a);
    kernel.off = false;
    const simd = { scores: searchScores(batch, tables), top: searchTopK(batch, tables, 5) };
    kernel.off = true;
    const js = { scores: searchScores(batch, tables), top: searchTopK(batch, tables, 5) };
    kernel.off = false;
    expect(js.scores).not.toBe(simd.scores);
    // The same float64 products summed in another order: the last bits may differ.
    js.scores.forEach((s, i) => expect(Math.abs(s - simd.scores[i])).toBeLessThanOrEqual(8e-15 * Math.max(1, Math.abs(s))));
    expect(Array.from(js.top)).toEqual(Array.from(simd.top));
    expect(new Set(js.top).size).toBeGreaterThan(5);
  });

  it('ties, padding and NaN: the kernel picks the columns of the JS loop, in its order', () => {
    const { batch, tables } = problem(77, 60, 50, 5, 4, 8);
    // Coarse values (exact sums in any order) over 4 item rows: many columns score exactly alike.
    for (const t of [tables.item, tables.category, tables.position]) t.forEach((v, i) => (t[i] = Math.round(v * 4) / 2));
    tables.item[batch.histItems[7 * 50 + 49] * 8 + 1] = NaN;
    kernel.off = false;
    const simd = searchTopK(batch, tables, 12);
    kernel.off = true;
    const js = searchTopK(batch, tables, 12);
    const scores = searchScores(batch, tables);
    kernel.off = false;
    expect(Array.from(simd)).toEqual(Array.from(js));
    expect(scores.some(Number.isNaN)).toBe(true);
    expect(new Set(Array.from(scores.subarray(0, 50))).size).toBeLessThan(25);
  });
});
