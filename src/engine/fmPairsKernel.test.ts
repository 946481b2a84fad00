/** The wasm FM-term kernels against the ops they replace (square, sub, sum over k, times 0.5): the same bits. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { fmInteraction } from '../models/fmInteraction.ts';
import { FM_PAIRS, FM_PAIRS_GRAD, fmPairsKernelsReady } from './fmPairsKernel.ts';

afterAll(() => selectBackend('cpu'));

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 12.9898 + seed * 78.233) * 10 ** ((i % 7) - 3));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
const composed = (s: tf.Tensor, q: tf.Tensor) => tf.mul(tf.sum(tf.sub(tf.square(s), q), 1), 0.5);

describe('fmPairsKernel', () => {
  it('is not used on cpu', async () => {
    await selectBackend('cpu');
    expect(fmPairsKernelsReady(tf.zeros([2, 4]))).toBe(false);
  });

  it.each([
    [1024, 16],
    [7, 6],
    [3, 1],
  ])('on wasm, %i x %i: the value and both gradients with the composed ops bits', async (rows, k) => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const s = tf.tensor2d(values(rows * k, 1), [rows, k]);
      const q = tf.tensor2d(values(rows * k, 2), [rows, k]);
      const dy = tf.tensor1d(values(rows, 3));
      expect(fmPairsKernelsReady(s)).toBe(true);
      expect(bits(tf.engine().runKernel(FM_PAIRS, { s, q }) as tf.Tensor)).toEqual(bits(composed(s, q)));
      const [ds, dq] = tf.engine().runKernel(FM_PAIRS_GRAD, { dy, s }) as tf.Tensor[];
      const [ws, wq] = tf.grads((a: tf.Tensor, b: tf.Tensor) => composed(a, b))([s, q], dy);
      expect(bits(ds)).toEqual(bits(ws));
      expect(bits(dq)).toEqual(bits(wq));
    });
  });

  it('adds over k in order (the check can fail: from the last k differs) and serves fmInteraction', async () => {
    await selectBackend('wasm');
    const [rows, k] = [64, 16];
    const sv = values(rows * k, 4);
    const qv = values(rows * k, 5);
    const s = tf.tensor2d(sv, [rows, k]);
    const q = tf.tensor2d(qv, [rows, k]);
    const reversed = Float32Array.from({ length: rows }, (_, b) => {
      let acc = 0;
      for (let j = k - 1; j >= 0; j--) acc = Math.fround(acc + Math.fround(Math.fround(sv[b * k + j] * sv[b * k + j]) - qv[b * k + j]));
      return Math.fround(acc * 0.5);
    });
    const got = tf.engine().runKernel(FM_PAIRS, { s, q }) as tf.Tensor;
    expect(Array.from(new Uint32Array(reversed.buffer))).not.toEqual(bits(got));
    const e = tf.tensor3d(values(4 * 3 * 8, 6), [4, 3, 8]);
    const info = await tf.profile(() => tf.grad((x: tf.Tensor) => tf.sum(fmInteraction(x as tf.Tensor3D)))(e));
    const names = info.kernels.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining([FM_PAIRS, FM_PAIRS_GRAD]));
    expect(names).not.toContain('Square');
    tf.dispose([s, q, got, e, info.result]);
  });
});
