/** The wasm first-order-term kernels against the lookup and sum they replace: the same value and gradient bits. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { embeddingLookup } from '../models/embeddingLookup.ts';
import { linearTerm } from '../models/embeddings.ts';
import { Params } from '../models/params.ts';
import { LINEAR_TERM, LINEAR_TERM_GRAD, linearTermKernelsReady } from './linearTermKernel.ts';

afterAll(() => selectBackend('cpu'));

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
/** Values over seven magnitudes (so the order of additions shows in the bits), some -0. */
const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? -0 : Math.sin((i + 1) * 12.9898 + seed * 78.233) * 10 ** ((i % 7) - 3)));
/** batch x fields rows of [0, tableRows), many repeated. */
const rowsOf = (batch: number, fields: number, tableRows: number) =>
  tf.tensor2d(
    Int32Array.from({ length: batch * fields }, (_, i) => ((i * i * 7 + 3) % tableRows) >> 1),
    [batch, fields],
    'int32',
  );

const sum = (w: tf.Tensor, rows: tf.Tensor) => tf.engine().runKernel(LINEAR_TERM, { w, rows }) as tf.Tensor;
const grad = (dy: tf.Tensor, rows: tf.Tensor, tableRows: number) => tf.engine().runKernel(LINEAR_TERM_GRAD, { dy, rows }, { tableRows }) as tf.Tensor;
const composed = (w: tf.Tensor, rows: tf.Tensor2D) => tf.sum(embeddingLookup(w, rows), [1, 2]);

describe('linearTermKernel', () => {
  it('is not used on cpu', async () => {
    await selectBackend('cpu');
    expect(linearTermKernelsReady(tf.zeros([3, 1]), tf.zeros([1, 2], 'int32'))).toBe(false);
  });

  it.each([
    [1024, 26, 26000],
    [5, 3, 7],
    [0, 4, 9],
  ])('on wasm, %i x %i rows of %i weights: the same value and gradient bits as lookup and sum', async (batch, fields, tableRows) => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const w = tf.tensor2d(values(tableRows, 1), [tableRows, 1]);
      const rows = rowsOf(batch, fields, tableRows);
      const dy = tf.tensor1d(values(batch, 2));
      expect(linearTermKernelsReady(w, rows)).toBe(true);
      expect(bits(sum(w, rows))).toEqual(bits(composed(w, rows)));
      const want = tf.grad((x: tf.Tensor) => composed(x, rows))(w, dy);
      const got = grad(dy, rows, tableRows);
      expect(got.shape).toEqual([tableRows, 1]);
      expect(bits(got)).toEqual(bits(want));
    });
  });

  it('adds in order (the check can fail: fields from the last differ) and traps outside the table', async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const wv = values(100, 3);
      const w = tf.tensor2d(wv, [100, 1]);
      const rows = rowsOf(64, 26, 100);
      const r = rows.dataSync();
      const reversed = Float32Array.from({ length: 64 }, (_, b) => {
        let acc = 0;
        for (let f = 25; f >= 0; f--) acc = Math.fround(acc + wv[r[b * 26 + f]]);
        return acc;
      });
      expect(Array.from(new Uint32Array(reversed.buffer))).not.toEqual(bits(sum(w, rows)));
      const [outside, dy] = [tf.tensor2d([[0, 100]], [1, 2], 'int32'), tf.ones([1])];
      const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      const before = dataIds();
      expect(() => sum(w, outside)).toThrow(/row outside the table's 100 rows/);
      expect(() => grad(dy, outside, 100)).toThrow(RangeError);
      // The outputs made before the trap are freed.
      expect(dataIds()).toBe(before);
    });
  });

  it('serves linearTerm on wasm', async () => {
    await selectBackend('wasm');
    const params = new Params(1);
    const linear = linearTerm(params, 10);
    const rows = tf.tensor2d([1, 4, 9, 1], [2, 2], 'int32');
    const info = await tf.profile(() => tf.variableGrads(() => tf.sum(linear(rows)) as tf.Scalar, params.trainable).grads);
    const names = info.kernels.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining([LINEAR_TERM, LINEAR_TERM_GRAD]));
    expect(names).not.toContain('ReclensGatherRows');
    tf.dispose([rows, ...Object.values(info.result as tf.NamedTensorMap)]);
    params.dispose();
  });
});
