import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { rowDot, weightedSum } from './attentionProducts.ts';

afterAll(() => selectBackend('cpu'));

/** Values and gradients of sum(c * f(a, b)) through the custom op and through plain mul + sum. */
function compare(
  custom: (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor,
  plain: (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor,
  aShape: [number, number, number],
  bShape: [number, number, number],
) {
  return tf.tidy(() => {
    const a = tf.randomNormal(aShape, 0, 1, 'float32', 1) as tf.Tensor3D;
    const b = tf.randomNormal(bShape, 0, 1, 'float32', 2) as tf.Tensor3D;
    const out = (f: typeof custom) => {
      const c = tf.randomNormal(f(a, b).shape, 0, 1, 'float32', 3);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(c, f(x as tf.Tensor3D, y as tf.Tensor3D))));
      const [ga, gb] = g([a, b]);
      return [f(a, b), ga, gb].map((t) => Array.from(t.dataSync()));
    };
    return { custom: out(custom), plain: out(plain) };
  });
}

describe('attention products (custom gradients)', () => {
  it.each(['cpu', 'wasm'] as const)('%s: rowDot and weightedSum equal mul + sum, values and gradients', async (backend) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const cases = [
      compare(rowDot, (q, k) => tf.sum(tf.mul(q, k), 2), [5, 1, 3], [5, 4, 3]),
      compare(weightedSum, (w, v) => tf.sum(tf.mul(w.reshape([5, 4, 1]), v), 1, true), [5, 1, 4], [5, 4, 3]),
    ];
    for (const { custom, plain } of cases) {
      custom.forEach((xs, i) => xs.forEach((x, j) => expect(Math.abs(x - plain[i][j])).toBeLessThan(1e-5)));
      expect(custom.map((xs) => xs.length)).toEqual(plain.map((xs) => xs.length));
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
