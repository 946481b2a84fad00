import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { embeddingLookup } from './embeddingLookup.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { seededValues as seeded } from '../../test/support/tinyData.ts';

const ROWS = [
  [1, 1, 3],
  [6, 1, 0],
  [3, 3, 3],
];

/** Value and gradient of sum(w * lookup(table, rows)) with the given lookup. */
function valueAndGrad(lookup: (t: tf.Tensor2D, r: tf.Tensor2D) => tf.Tensor) {
  return tf.tidy(() => {
    const table = tf.tensor2d(seeded(7 * 4, 1), [7, 4]);
    const rows = tf.tensor2d(ROWS, [3, 3], 'int32');
    const w = tf.tensor3d(seeded(3 * 3 * 4, 2), [3, 3, 4]);
    const value = lookup(table, rows);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, rows), w)))(table);
    return { value: value.arraySync() as number[][][], grad: grad.arraySync() as number[][] };
  });
}

const stock = (t: tf.Tensor2D, r: tf.Tensor2D) => tf.gather(t, r);

describe('embeddingLookup', () => {
  it('matches the stock gather and its gradient on cpu, duplicates accumulated', async () => {
    await selectBackend('cpu');
    const expected = valueAndGrad(stock);
    const got = valueAndGrad(embeddingLookup);
    expect(got.value).toEqual(expected.value);
    got.grad.forEach((row, i) => row.forEach((g, j) => expect(Math.abs(g - expected.grad[i][j])).toBeLessThan(1e-6)));
    // Row 3 appears four times, row 2 never: the check would pass vacuously without them.
    expect(Math.abs(expected.grad[3][0])).toBeGreaterThan(0);
    expect(expected.grad[2]).toEqual([0, 0, 0, 0]);
  });

  it('gives the same gradient on wasm, where the stock gather gradient is not registered', async () => {
    await selectBackend('cpu');
    const expected = valueAndGrad(stock);
    await selectBackend('wasm');
    try {
      expect(() => valueAndGrad(stock)).toThrow(/UnsortedSegmentSum/);
      const got = valueAndGrad(embeddingLookup);
      got.grad.forEach((row, i) => row.forEach((g, j) => expect(Math.abs(g - expected.grad[i][j])).toBeLessThan(1e-6)));
    } finally {
      await selectBackend('cpu');
    }
  });

  it('rejects a table that is not 2-D', async () => {
    await selectBackend('cpu');
    expect(() => tf.tidy(() => embeddingLookup(tf.zeros([2, 2, 2]), tf.tensor1d([0], 'int32')))).toThrow(/N x K/);
  });
});
