import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { stackedReluBackward, stackedReluBackwardComposed } from './stackedReluBackwardKernel.ts';

/** Signed values with exact zeros (both signs), a NaN and infinities among them. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    if (i % 13 === 3) return i % 2 ? -0 : 0;
    if (i === 5) return NaN;
    if (i === 7) return -Infinity;
    return (s / 2 ** 32 - 0.5) * 10;
  });
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

describe.each(['wasm', 'cpu'] as const)('stackedReluBackward on %s', (backend) => {
  beforeAll(() => selectBackend(backend));

  // 7 columns: rows whose size is no multiple of 4 (the JS tail after the SIMD part).
  it.each([
    [1, 16, 8],
    [2, 9, 7],
    [3, 33, 64],
  ])('%i task(s) of %i x %i: the bits of tf.mul(dh, tiled tf.step(h)), NaN and signed zeros included', (T, B, n) => {
    tf.tidy(() => {
      const h = tf.tensor2d(values(B * n, 1), [B, n]);
      const dh = tf.tensor2d(values(T * B * n, 2), [T * B, n]);
      const fused = stackedReluBackward(dh, h);
      const composed = stackedReluBackwardComposed(dh, h);
      expect(fused.shape).toEqual([T * B, n]);
      expect(bits(fused)).toEqual(bits(composed));
      // Something passed and something was masked.
      const out = fused.dataSync();
      expect(out.some((x) => x !== 0 && !Number.isNaN(x))).toBe(true);
      expect(out.some((x, i) => x === 0 && dh.dataSync()[i] !== 0)).toBe(true);
    });
  });

  it('refuses cotangents that are not a stack of the activations', () => {
    const [dh, h] = [tf.zeros([10, 4]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D];
    expect(() => stackedReluBackward(dh, h)).toThrow(RangeError);
    tf.dispose([dh, h]);
  });

  it('runs as the kernel (not the tensor ops it is compared with)', async () => {
    const [dh, h] = [tf.ones([6, 8]) as tf.Tensor2D, tf.ones([3, 8]) as tf.Tensor2D];
    const info = await tf.profile(() => stackedReluBackward(dh, h));
    expect(info.kernels.map((k) => k.name)).toEqual(['ReclensStackedReluBackward']);
    tf.dispose([dh, h, info.result as tf.Tensor]);
  });
});
