/**
 * The hand-written gradients of affine, batchNormTraining and columnSums against the stock tfjs
 * compositions they replace, on cpu and on wasm (where they take different kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { affine } from './affine.ts';
import { batchNormTraining } from './batchNormOp.ts';
import { columnSums } from './columnSums.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { seededValues as seeded } from '../../test/support/tinyData.ts';

const [N, IN, OUT] = [6, 5, 4];

/** Value and gradients (x, W, b, gamma, beta) of a weighted sum of BN(affine(x)) and the column sums. */
function run(fast: boolean): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor2d(seeded(N * IN, 1), [N, IN]);
    const w = tf.tensor2d(seeded(IN * OUT, 2), [IN, OUT]);
    const b = tf.tensor1d(seeded(OUT, 3));
    const gamma = tf.add(tf.tensor1d(seeded(OUT, 4)), 1) as tf.Tensor1D;
    const beta = tf.tensor1d(seeded(OUT, 5));
    const weights = tf.tensor2d(seeded(N * OUT, 6), [N, OUT]);
    const f = (...args: tf.Tensor[]) => {
      const [xs, ws, bs, g, be] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      let y: tf.Tensor2D;
      let sums: tf.Tensor;
      if (fast) {
        const z = affine(xs, ws, bs);
        y = batchNormTraining(z, g, be, 1e-5, () => {});
        sums = columnSums(z);
      } else {
        const z = tf.add(tf.matMul(xs, ws), bs) as tf.Tensor2D;
        const { mean, variance } = tf.moments(z, 0);
        y = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5))), g), be) as tf.Tensor2D;
        sums = tf.sum(z, 0, true);
      }
      return tf.add(tf.sum(tf.mul(y, weights)), tf.sum(tf.square(sums))) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)([x, w, b, gamma, beta]);
    return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

afterAll(() => selectBackend('cpu'));

describe('fast affine / batch-norm / column-sum gradients', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`match the stock tfjs ops on ${backend}`, async () => {
      await selectBackend(backend);
      const [expected, got] = [run(false), run(true)];
      expected.forEach((part, k) => {
        const scale = Math.max(1, ...part.map(Math.abs));
        part.forEach((v, i) => expect(Math.abs(got[k][i] - v) / scale, `part ${k} [${i}]`).toBeLessThan(1e-4));
      });
      // The bias gradient through batch norm is zero in exact arithmetic; the column sums keep it non-trivial.
      expect(Math.max(...expected[3].map(Math.abs))).toBeGreaterThan(1e-2);
    });
  }
});
