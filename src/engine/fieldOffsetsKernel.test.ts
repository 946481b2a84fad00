/** The wasm field-offsets kernel against the int32 broadcast add it replaces: the same rows. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { createEmbeddingSets } from '../models/embeddings.ts';
import { Params } from '../models/params.ts';
import { ADD_FIELD_OFFSETS, fieldOffsetsKernelReady } from './fieldOffsetsKernel.ts';

afterAll(() => selectBackend('cpu'));

const indicesOf = (rows: number, fields: number) =>
  tf.tensor2d(
    Int32Array.from({ length: rows * fields }, (_, i) => (i * 7919) % 1000),
    [rows, fields],
    'int32',
  );
const offsetsOf = (fields: number) =>
  tf.tensor1d(
    Int32Array.from({ length: fields }, (_, f) => f * 1000 + (f % 3)),
    'int32',
  );

describe('fieldOffsetsKernel', () => {
  it('is not used on cpu', async () => {
    await selectBackend('cpu');
    expect(fieldOffsetsKernelReady(indicesOf(2, 3), offsetsOf(3))).toBe(false);
  });

  it.each([
    [1024, 26],
    [3, 1],
    [0, 5],
  ])('on wasm, %i x %i: the same rows as tf.add', async (rows, fields) => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const [indices, offsets] = [indicesOf(rows, fields), offsetsOf(fields)];
      expect(fieldOffsetsKernelReady(indices, offsets)).toBe(true);
      const got = tf.engine().runKernel(ADD_FIELD_OFFSETS, { indices, offsets }) as tf.Tensor;
      expect(got.dtype).toBe('int32');
      expect(got.shape).toEqual([rows, fields]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(tf.add(indices, offsets).dataSync()));
    });
  });

  it("serves the embedding sets' global rows on wasm", async () => {
    await selectBackend('wasm');
    const fields = [5, 3, 7].map((cardinality, i) => ({ name: `C${i}`, cardinality }));
    const params = new Params(1);
    const sets = createEmbeddingSets(params, fields, 4, 1);
    const indices = tf.tensor2d([4, 2, 6, 0, 0, 1], [2, 3], 'int32');
    const info = await tf.profile(() => sets.globalRows(indices));
    expect(info.kernels.map((k) => k.name)).toEqual([ADD_FIELD_OFFSETS]);
    expect(tf.tidy(() => sets.globalRows(indices).arraySync())).toEqual([
      [4, 7, 14],
      [0, 5, 9],
    ]);
    sets.dispose();
    params.dispose();
    indices.dispose();
  });
});
