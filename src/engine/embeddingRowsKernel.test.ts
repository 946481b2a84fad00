/** The wasm row gather and scatter-add kernels against the gatherND / scatterND they replace: the same bits. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { embeddingLookup } from '../models/embeddingLookup.ts';
import { embeddingRowsKernelsReady, GATHER_ROWS, SCATTER_ADD_ROWS } from './embeddingRowsKernel.ts';

afterAll(() => selectBackend('cpu'));

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/** Values over seven magnitudes (so the order of additions shows in the bits), some -0. */
function values(n: number, k: number, seed: number): tf.Tensor2D {
  const v = Float32Array.from({ length: n * k }, (_, i) => (i % 11 === 0 ? -0 : Math.sin((i + seed) * 12.9898) * 10 ** ((i % 7) - 3)));
  return tf.tensor2d(v, [n, k]);
}

/** n rows of [0, tableRows), most of them repeated, some rows never. */
const rowsOf = (n: number, tableRows: number) =>
  tf.tensor1d(
    Int32Array.from({ length: n }, (_, i) => ((i * i * 7 + 3) % tableRows) >> 1),
    'int32',
  );

const gather = (table: tf.Tensor, rows: tf.Tensor) => tf.engine().runKernel(GATHER_ROWS, { table, rows }) as tf.Tensor;
const scatterAdd = (rows: tf.Tensor, updates: tf.Tensor, tableRows: number) =>
  tf.engine().runKernel(SCATTER_ADD_ROWS, { rows, updates }, { tableRows }) as tf.Tensor;

describe('embeddingRowsKernel', () => {
  it('is not used on cpu', async () => {
    await selectBackend('cpu');
    expect(embeddingRowsKernelsReady(tf.zeros([2, 4]), tf.zeros([1], 'int32'))).toBe(false);
  });

  // Rows of whole 4-float lanes and of single floats; no rows at all.
  const shapes = [
    [26000, 16, 4096],
    [300, 12, 1000],
    [50, 1, 700],
    [9, 3, 40],
    [5, 4, 0],
  ];
  it.each(shapes)('on wasm, a %i x %i table and %i rows: the same bits as gatherND and scatterND', async (tableRows, k, n) => {
    await selectBackend('wasm');
    expect(embeddingRowsKernelsReady(tf.zeros([1, k]), tf.zeros([1], 'int32'))).toBe(true);
    tf.tidy(() => {
      const table = values(tableRows, k, 1);
      const rows = rowsOf(n, tableRows);
      const updates = values(n, k, 2);
      const got = gather(table, rows);
      expect(got.shape).toEqual([n, k]);
      expect(bits(got)).toEqual(bits(tf.gatherND(table, rows.reshape([-1, 1]))));
      const sums = scatterAdd(rows, updates, tableRows);
      expect(sums.shape).toEqual([tableRows, k]);
      expect(bits(sums)).toEqual(bits(tf.scatterND(rows.reshape([-1, 1]), updates, [tableRows, k])));
    });
  });

  it.each([
    [300, 12, 100],
    [50, 1, 70],
  ])('on wasm, a %i x %i table, %i rows: block q of stacked updates as the scatter-add of its slice', async (tableRows, k, n) => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const rows = rowsOf(n, tableRows);
      const stacked = values(3 * n, k, 5);
      for (let q = 0; q < 3; q++) {
        const sums = tf.engine().runKernel(SCATTER_ADD_ROWS, { rows, updates: stacked }, { tableRows, block: q }) as tf.Tensor;
        expect(bits(sums)).toEqual(bits(scatterAdd(rows, tf.slice(stacked, [q * n, 0], [n, k]), tableRows)));
        if (q > 0) expect(bits(sums)).not.toEqual(bits(scatterAdd(rows, tf.slice(stacked, [0, 0], [n, k]), tableRows)));
      }
      expect(() => tf.engine().runKernel(SCATTER_ADD_ROWS, { rows, updates: stacked }, { tableRows, block: 3 })).toThrow(RangeError);
    });
  });

  it('adds repeated rows (the check can fail: the last update alone differs)', async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const rows = tf.tensor1d([2, 0, 2, 2], 'int32');
      const updates = values(4, 4, 3);
      const u = updates.arraySync();
      const sums = scatterAdd(rows, updates, 3).arraySync() as number[][];
      expect(sums[1]).toEqual([0, 0, 0, 0]);
      expect(sums[2]).toEqual(u[0].map((x, j) => Math.fround(Math.fround(x + u[2][j]) + u[3][j])));
      expect(sums[2]).not.toEqual(u[3]);
    });
  });

  it('refuses a row outside the table with a RangeError, touching no other memory and keeping none', async () => {
    await selectBackend('wasm');
    const table = tf.zeros([3, 4]);
    const updates = tf.zeros([2, 4]);
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    for (const r of [3, -1]) {
      const rows = tf.tensor1d([0, r], 'int32');
      const before = dataIds();
      expect(() => gather(table, rows)).toThrow(/row outside the table's 3 rows/);
      expect(() => scatterAdd(rows, updates, 3)).toThrow(RangeError);
      expect(dataIds()).toBe(before);
      rows.dispose();
    }
    tf.dispose([table, updates]);
  });

  it('serves embeddingLookup and its gradient on wasm', async () => {
    await selectBackend('wasm');
    const table = values(40, 8, 4);
    const rows = tf.tensor2d([3, 5, 3, 39, 0, 3], [2, 3], 'int32');
    const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t, rows)))(table));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain(GATHER_ROWS);
    expect(names).toContain(SCATTER_ADD_ROWS);
    expect(names).not.toContain('GatherNd');
    expect(names).not.toContain('ScatterNd');
    tf.dispose([table, rows]);
  });
});
