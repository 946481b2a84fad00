import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { createRng } from '../../data/ctr/prng.ts';
import { valuesInPlace } from '../../engine/tensorView.ts';
import { tfjsWasmHeap } from '../../engine/wasmHeap.ts';
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

/** Values in {-1, -0.5, 0, 0.5, 1}: every product and sum exact, so equal inputs give equal scores whatever the order. */
const coarse = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(rng.next() * 5) / 2 - 1);
};

/** Each row's k columns by (score desc, column asc): the order searchStage.ts's insertion defines. */
function sortedTopK(scores: Float64Array, rows: number, L: number, k: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const columns = Array.from({ length: L }, (_, j) => j);
    columns.sort((x, y) => scores[r * L + y] - scores[r * L + x] || x - y);
    out.push(...columns.slice(0, k));
  }
  return out;
}

afterAll(() => selectBackend('cpu'));

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
    [20, false],
  ])('attention dim %i (per category: %s): the float64 scores of a plain loop', (a, perCategory) => {
    const [rows, L, items, categories] = [7, 13, 50, 9];
    const b = batch(a, rows, L, items, categories);
    const item = table(100 + a, items * a);
    const category = table(200 + a, categories * a);
    const byPosition = Float64Array.from(table(300 + a, L + 1));
    const got = wasmSearchKernel()!.scores(b, { item, category, dim: a }, byPosition, perCategory)!.slice();
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
    const first = wasmSearchKernel()!.scores(small, { item, category, dim: a }, byPosition, true)!.slice();
    const big = batch(6, 3000, 60, 400, 30);
    const rows = { ...big, targetItems: big.targetItems.slice(), targetCategories: big.targetCategories.slice() };
    rows.targetItems.set(small.targetItems);
    rows.targetCategories.set(small.targetCategories);
    rows.histItems.set(small.histItems);
    rows.histCategories.set(small.histCategories);
    const second = wasmSearchKernel()!.scores(rows, { item, category, dim: a }, byPosition, true)!;
    expect(second.length).toBe(3000 * 60);
    expect(Array.from(second.subarray(0, first.length))).toEqual(Array.from(first));
  });

  it.each([
    [4, 1],
    [8, 5],
    [3, 12],
    [16, 40],
  ])('attention dim %i, top %i: ties keep the lower column first, padding last', (a, k) => {
    // 4 item rows and 3 category rows of coarse values, position scores in 3 values: many exact ties.
    const [rows, L] = [40, 40];
    const b = batch(a * 7 + k, rows, L, 4, 3);
    const item = coarse(10 + a, 4 * a);
    const category = coarse(20 + a, 3 * a);
    const byPosition = Float64Array.from({ length: L + 1 }, (_, p) => (p % 3) / 4);
    const { picks, scores } = wasmSearchKernel()!.topK(b, { item, category, dim: a }, byPosition, true, k)!;
    const copy = scores.slice();
    const distinct = new Set(Array.from({ length: L }, (_, j) => copy[j])).size;
    expect(distinct).toBeLessThan(L / 2);
    expect(Array.from(picks)).toEqual(sortedTopK(copy, rows, L, k));
  });

  it.each([
    ['an item id past the table', 'histItems', 50],
    ['a negative category id', 'histCategories', -1],
  ] as const)('%s: null (no read outside the table), per category or not', (_, ids, id) => {
    const b = batch(8, 4, 10, 50, 9);
    b[ids][2 * 10 + 7] = id;
    for (const perCategory of [true, false])
      expect(wasmSearchKernel()!.scores(b, { item: table(1, 50 * 4), category: table(2, 9 * 4), dim: 4 }, new Float64Array(11), perCategory)).toBeNull();
    b[ids][2 * 10 + 7] = 1;
    expect(wasmSearchKernel()!.topK(b, { item: table(1, 50 * 4), category: table(2, 9 * 4), dim: 4 }, new Float64Array(11), true, 3)).not.toBeNull();
  });

  it('a row holding NaN is marked for its caller, the others are chosen', () => {
    const [rows, L, a, k] = [6, 30, 4, 5];
    const b = batch(9, rows, L, 20, 5);
    const item = table(1, 20 * a);
    item[b.histItems[3 * L + L - 1] * a] = NaN;
    const { picks, scores } = wasmSearchKernel()!.topK(b, { item, category: table(2, 5 * a), dim: a }, new Float64Array(L + 1), true, k)!;
    const copy = scores.slice();
    for (let r = 0; r < rows; r++) {
      const hasNaN = copy.subarray(r * L, (r + 1) * L).some(Number.isNaN);
      if (hasNaN) expect(picks[r * k]).toBe(-1);
      else expect(Array.from(picks.subarray(r * k, (r + 1) * k))).toEqual(sortedTopK(copy.subarray(r * L, (r + 1) * L), 1, L, k));
    }
    expect(picks[3 * k]).toBe(-1);
  });

  it('wasm backend: tables in its heap are read in place, also when the scratch grows the heap', async () => {
    await selectBackend('wasm');
    const a = 8;
    const [items, categories, L] = [300, 20, 64];
    const itemTable = tf.tensor2d(table(40, items * a), [items, a]);
    const categoryTable = tf.tensor2d(table(41, categories * a), [categories, a]);
    const memory = tfjsWasmHeap()!.memory;
    // A scores array larger than the whole heap: the scratch must grow it after the views are taken.
    const rows = Math.ceil(memory.buffer.byteLength / (L * 8)) + 1;
    const b = batch(42, rows, L, items, categories);
    const byPosition = Float64Array.from(table(43, L + 1));
    const copies = { item: itemTable.dataSync() as Float32Array, category: categoryTable.dataSync() as Float32Array, dim: a };
    const fromCopies = wasmSearchKernel()!.topK(b, copies, byPosition, true, 7)!;
    const want = { picks: fromCopies.picks, scores: fromCopies.scores.slice() };
    const before = { bytes: memory.buffer.byteLength, tensors: tf.memory().numTensors };
    const views = { item: valuesInPlace(itemTable), category: valuesInPlace(categoryTable), dim: a };
    expect(views.item.buffer).toBe(memory.buffer);
    const inPlace = wasmSearchKernel()!.topK(b, views, byPosition, true, 7)!;
    expect(memory.buffer.byteLength).toBeGreaterThan(before.bytes);
    const differing = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.prototype.filter.call(x, (v: number, i: number) => !Object.is(v, y[i])).length;
    expect(inPlace.scores.length).toBe(want.scores.length);
    expect(differing(inPlace.scores, want.scores)).toBe(0);
    expect(differing(inPlace.picks, want.picks)).toBe(0);
    expect(tf.memory().numTensors).toBe(before.tensors);
    tf.dispose([itemTable, categoryTable]);
  });
});
