import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { expertMix, expertMixBackward, expertMixBackwardComposed, expertMixComposed } from './expertMixKernel.ts';

/** Signed values with exact zeros of both signs among them. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    if (i % 11 === 3) return i % 2 ? -0 : 0;
    return (s / 2 ** 32 - 0.5) * 10;
  });
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

function inputs(B: number, E: number, H: number) {
  const weights = tf.softmax(tf.tensor2d(values(B * E, 1), [B, E])) as tf.Tensor2D;
  const experts = Array.from({ length: E }, (_, e) => tf.relu(tf.tensor2d(values(B * H, 2 + e), [B, H])) as tf.Tensor2D);
  const dmix = tf.tensor2d(values(B * H, 99), [B, H]);
  return { weights, experts, dmix };
}

describe('expert mix kernels on wasm', () => {
  beforeAll(() => selectBackend('wasm'));

  it.each([
    [1, 1, 4],
    [5, 3, 8],
    [37, 4, 32],
  ])('batch %i, %i experts of width %i: the bits of the tensor ops, forward and backward', (B, E, H) => {
    tf.tidy(() => {
      const { weights, experts, dmix } = inputs(B, E, H);
      expect(bits(expertMix(weights, experts))).toEqual(bits(expertMixComposed(weights, experts)));
      const fused = expertMixBackward(dmix, weights, experts);
      const composed = expertMixBackwardComposed(dmix, weights, experts);
      expect(fused.dz.shape).toEqual([B, E]);
      expect(bits(fused.dz)).toEqual(bits(composed.dz));
      expect(fused.dExperts.map(bits)).toEqual(composed.dExperts.map(bits));
      // Not all zeros: something was summed.
      expect(fused.dz.dataSync().some((x) => x !== 0)).toBe(E > 1);
    });
  });

  it('runs as one kernel each way (not the tensor ops it is compared with)', async () => {
    const { weights, experts, dmix } = inputs(8, 4, 32);
    const forward = await tf.profile(() => expertMix(weights, experts));
    expect(forward.kernels.map((k) => k.name)).toEqual(['ReclensExpertMix']);
    const backward = await tf.profile(() => {
      const { dz, dExperts } = expertMixBackward(dmix, weights, experts);
      return [dz, ...dExperts];
    });
    expect(backward.kernels.map((k) => k.name)).toEqual(['ReclensExpertMixBackward']);
    tf.dispose([weights, ...experts, dmix, forward.result as tf.Tensor, ...(backward.result as tf.Tensor[])]);
  });

  it('takes the tensor ops for a width that is no multiple of 4', async () => {
    const { weights, experts } = inputs(3, 2, 6);
    const info = await tf.profile(() => expertMix(weights, experts));
    expect(info.kernels.map((k) => k.name)).not.toContain('ReclensExpertMix');
    tf.dispose([weights, ...experts, info.result as tf.Tensor]);
  });
});
