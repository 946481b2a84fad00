import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/support/testBackend.ts';
import { mixExperts } from './blocks.ts';

/** The stock formulation mixExperts replaced: its value and tf.grads are the reference. */
const stock = (w: tf.Tensor2D, experts: tf.Tensor2D[]) => tf.sum(tf.mul(tf.stack(experts, 1), w.expandDims(2)), 1);

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('mixExperts', () => {
  afterAll(() => useBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: the same value and gradients as the stock stack-multiply-sum', async (backend) => {
    await useBackend(backend);
    tf.tidy(() => {
      const w = tf.softmax(tf.randomNormal([64, 3], 0, 1, 'float32', 1)) as tf.Tensor2D;
      const experts = [2, 3, 4].map((seed) => tf.randomNormal([64, 5], 0, 1, 'float32', seed) as tf.Tensor2D);
      const dy = tf.randomNormal([64, 5], 0, 1, 'float32', 9);
      const loss =
        (mix: (w: tf.Tensor2D, e: tf.Tensor2D[]) => tf.Tensor) =>
        (ww: tf.Tensor, ...e: tf.Tensor[]) =>
          tf.sum(tf.mul(mix(ww as tf.Tensor2D, e as tf.Tensor2D[]), dy));
      const want = tf.grads(loss(stock))([w, ...experts]);
      const got = tf.grads(loss(mixExperts))([w, ...experts]);
      expect(got.map((g) => g.shape)).toEqual([
        [64, 3],
        [64, 5],
        [64, 5],
        [64, 5],
      ]);
      // The same products summed in the same order: measured difference 0; float32 rounding allowed.
      expect(maxDiff(mixExperts(w, experts), stock(w, experts))).toBeLessThan(1e-6);
      got.forEach((g, i) => expect(maxDiff(g, want[i])).toBeLessThan(1e-6));
      // A wrong gradient would be far off: the check can fail.
      expect(maxDiff(got[1], got[2])).toBeGreaterThan(1e-2);
    });
  });
});
