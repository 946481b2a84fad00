import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { bceWithLogits } from '../models/multitask/taskGradients.ts';
import { weightedBceKernels } from './bceWithLogitsKernel.ts';

/** Logits of both signs and several scales, exact zeros of both signs among them. */
function logits(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    if (i % 17 === 3) return i % 2 ? -0 : 0;
    return (s / 2 ** 32 - 0.5) * 10 ** ((i % 5) - 2);
  });
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

describe('weightedBceKernels on wasm', () => {
  beforeAll(() => selectBackend('wasm'));

  it.each([
    [1, 1],
    [37, 0.5],
    [1024, 2],
    [999, 1 / 3],
  ])('%i rows, weight %d: the bits of the tensor ops, loss and gradient', (n, weight) => {
    tf.tidy(() => {
      const l = tf.tensor1d(logits(n, n));
      const y = tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)));
      const fused = weightedBceKernels(l, y, weight)!;
      expect(fused).not.toBeNull();
      expect(bits(fused.loss)).toEqual(bits(tf.mul(bceWithLogits(l, y), weight)));
      expect(bits(fused.dLogits)).toEqual(bits(tf.mul(tf.sub(tf.sigmoid(l), y), weight / n)));
      expect(fused.loss.dataSync()[0]).toBeGreaterThan(0);
    });
  });

  it('runs as its kernels around Exp, Log1p and Sigmoid', async () => {
    const [l, y] = [tf.tensor1d([0.5, -2, 3, 0]), tf.tensor1d([1, 0, 1, 0])];
    const info = await tf.profile(() => {
      const r = weightedBceKernels(l, y, 1)!;
      return [r.loss, r.dLogits];
    });
    expect(info.kernels.map((k) => k.name).sort()).toEqual(['Exp', 'Log1p', 'ReclensNegAbs', 'ReclensWeightedBce', 'Sigmoid']);
    tf.dispose([l, y, ...(info.result as tf.Tensor[])]);
  });
});
