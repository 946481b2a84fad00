import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { stackedAddN, stackedAddNComposed } from './stackedAddNKernel.ts';

/** Signed values with exact zeros of both signs among them. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    if (i % 7 === 3) return -0;
    if (i % 7 === 5) return 0;
    return (s / 2 ** 32 - 0.5) * 10;
  });
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

describe('stackedAddN on wasm', () => {
  beforeAll(() => selectBackend('wasm'));

  // 3 x 5: blocks whose size is no multiple of 4 (the JS tail after the SIMD part).
  it.each([
    [1, 4, 8, 0],
    [2, 3, 5, 1],
    [2, 16, 80, 4],
    [3, 7, 4, 2],
  ])('%i task(s) of %i x %i and %i stacked terms: the bits of tf.addN of the concat, signed zeros included', (T, B, n, m) => {
    tf.tidy(() => {
      const perTask = Array.from({ length: T }, (_, k) => tf.tensor2d(values(B * n, 1 + k), [B, n]));
      const full = Array.from({ length: m }, (_, j) => tf.tensor2d(values(T * B * n, 10 + j), [T * B, n]));
      const fused = stackedAddN(perTask, full);
      expect(fused.shape).toEqual([T * B, n]);
      expect(bits(fused)).toEqual(bits(stackedAddNComposed(perTask, full)));
      // -0 + -0 stays -0 in a sum from -0, +0 from +0 (tf.addN's): some zeros of each input were negative.
      expect(Array.from(fused.dataSync()).some((x) => Object.is(x, -0))).toBe(false);
    });
  });

  it('runs as the kernel (not the tensor ops it is compared with)', async () => {
    const perTask = [tf.ones([4, 8]) as tf.Tensor2D, tf.ones([4, 8]) as tf.Tensor2D];
    const full = [tf.ones([8, 8]) as tf.Tensor2D];
    const info = await tf.profile(() => stackedAddN(perTask, full));
    expect(info.kernels.map((k) => k.name)).toEqual(['ReclensStackedAddN']);
    tf.dispose([...perTask, ...full, info.result as tf.Tensor]);
  });

  it('refuses terms that are not the tasks stacked', () => {
    tf.tidy(() => {
      expect(() => stackedAddN([tf.zeros([4, 8]) as tf.Tensor2D], [tf.zeros([5, 8]) as tf.Tensor2D])).toThrow(RangeError);
    });
  });
});
