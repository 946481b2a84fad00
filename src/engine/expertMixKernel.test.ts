import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { stackedReluBackward } from './stackedReluBackwardKernel.ts';
import { expertCotangents, expertCotangentsComposed, expertGateBackward, expertGateBackwardComposed, expertMix, expertMixComposed } from './expertMixKernel.ts';

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

// Batches of 1, 5, 8 and 37 rows: the gate backward's groups of 4 rows, with and without rows left over.
describe('expert mix kernels on wasm', () => {
  beforeAll(() => selectBackend('wasm'));

  it.each([
    [1, 1, 4],
    [5, 3, 8],
    [8, 2, 16],
    [37, 4, 32],
  ])('batch %i, %i experts of width %i: the bits of the tensor ops, forward and backward', (B, E, H) => {
    tf.tidy(() => {
      const { weights, experts, dmix } = inputs(B, E, H);
      expect(bits(expertMix(weights, experts))).toEqual(bits(expertMixComposed(weights, experts)));
      const dz = expertGateBackward(dmix, weights, experts);
      expect(dz.shape).toEqual([B, E]);
      expect(bits(dz)).toEqual(bits(expertGateBackwardComposed(dmix, weights, experts)));
      // Not all zeros: something was summed (one expert's softmax has no gradient).
      expect(dz.dataSync().some((x) => x !== 0)).toBe(E > 1);
    });
  });

  it.each([1, 3])("%i task(s): every expert's cotangents stacked by tasks, the bits of the tensor ops", (T) => {
    tf.tidy(() => {
      const [B, E, H] = [9, 3, 8];
      const tasks = Array.from({ length: T }, (_, k) => ({
        dmix: tf.tensor2d(values(B * H, 50 + k), [B, H]),
        weights: tf.softmax(tf.tensor2d(values(B * E, 60 + k), [B, E])) as tf.Tensor2D,
      }));
      const [dmix, weights] = [tasks.map((t) => t.dmix), tasks.map((t) => t.weights)];
      const fused = expertCotangents(dmix, weights);
      expect(fused.map((t) => t.shape)).toEqual(Array.from({ length: E }, () => [T * B, H]));
      expect(fused.map(bits)).toEqual(expertCotangentsComposed(dmix, weights).map(bits));
    });
  });

  it.each([1, 3])("%i task(s): given the experts' ReLU outputs, the bits of stackedReluBackward on the cotangents", (T) => {
    tf.tidy(() => {
      const [B, E, H] = [9, 3, 8];
      const tasks = Array.from({ length: T }, (_, k) => ({
        dmix: tf.tensor2d(values(B * H, 50 + k), [B, H]),
        weights: tf.softmax(tf.tensor2d(values(B * E, 60 + k), [B, E])) as tf.Tensor2D,
      }));
      const [dmix, weights] = [tasks.map((t) => t.dmix), tasks.map((t) => t.weights)];
      // ReLU outputs with zeros of both signs, and a NaN (tf.step's NaN factor).
      const outs = Array.from({ length: E }, (_, e) => {
        const h = tf.relu(tf.tensor2d(values(B * H, 70 + e), [B, H])).dataSync() as Float32Array;
        h[5] = NaN;
        h[7] = -0;
        return tf.tensor2d(h, [B, H]);
      });
      const fused = expertCotangents(dmix, weights, outs);
      const expected = expertCotangents(dmix, weights).map((d, e) => stackedReluBackward(d, outs[e]));
      expect(fused.map(bits)).toEqual(expected.map(bits));
      expect(fused.map(bits)).not.toEqual(expertCotangents(dmix, weights).map(bits));
    });
  });

  it('runs as one kernel each (not the tensor ops it is compared with)', async () => {
    const { weights, experts, dmix } = inputs(8, 4, 32);
    const names = async (f: () => tf.Tensor | tf.Tensor[]) => {
      const info = await tf.profile(f);
      tf.dispose(info.result as tf.Tensor[]);
      return info.kernels.map((k) => k.name);
    };
    expect(await names(() => expertMix(weights, experts))).toEqual(['ReclensExpertMix']);
    expect(await names(() => expertGateBackward(dmix, weights, experts))).toEqual(['ReclensExpertGateBackward']);
    expect(await names(() => expertCotangents([dmix, dmix], [weights, weights]))).toEqual(['ReclensExpertCotangents']);
    expect(await names(() => expertCotangents([dmix, dmix], [weights, weights], experts))).toEqual(['ReclensExpertCotangents']);
    tf.dispose([weights, ...experts, dmix]);
  });

  it('takes the tensor ops for a width that is no multiple of 4', async () => {
    const { weights, experts } = inputs(3, 2, 6);
    const info = await tf.profile(() => expertMix(weights, experts));
    expect(info.kernels.map((k) => k.name)).not.toContain('ReclensExpertMix');
    tf.dispose([weights, ...experts, info.result as tf.Tensor]);
  });
});
