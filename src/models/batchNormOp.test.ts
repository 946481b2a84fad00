/**
 * batchNormReluTraining on wasm (the fused kernels) against the composed ops it replaces
 * (batchNormTraining, tf.relu, the mask multiply): the same bits forward, backward and in the
 * running moments; on cpu it is the composition.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { dropoutMask } from '../engine/dropoutMaskKernel.ts';
import { batchNormReluTraining, batchNormTraining } from './batchNormOp.ts';

afterAll(() => selectBackend('cpu'));

/** Values over seven magnitudes around an offset (so the order of additions shows in the bits). */
const values = (n: number, seed: number, offset = 0) =>
  Float32Array.from({ length: n }, (_, i) => offset + Math.sin((i + 1) * 12.9898 + seed * 78.233) * 10 ** ((i % 7) - 3));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/** Output, moments and the gradients (z, gamma, beta) of sum(out * w), fused or composed, as bits. */
function run(rows: number, cols: number, rate: number, fused: boolean): number[][] {
  return tf.tidy(() => {
    const z = tf.tensor2d(values(rows * cols, 1, 0.3), [rows, cols]);
    const gamma = tf.tensor1d(values(cols, 2, 1));
    const beta = tf.tensor1d(values(cols, 3));
    const w = tf.tensor2d(values(rows * cols, 4), [rows, cols]);
    const mask = rate > 0 ? dropoutMask([rows, cols], 77, rate) : null;
    const keep = rate > 0 ? 1 / (1 - rate) : 1;
    const moments: tf.Tensor[] = [];
    const keepMoments = (m: tf.Tensor1D, v: tf.Tensor1D) => moments.push(tf.keep(tf.clone(m)), tf.keep(tf.clone(v)));
    const f = (...args: tf.Tensor[]) => {
      const [zs, g, b] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
      let out: tf.Tensor2D;
      if (fused) out = batchNormReluTraining(zs, g, b, 1e-5, mask, keep, keepMoments);
      else {
        const r = tf.relu(batchNormTraining(zs, g, b, 1e-5, keepMoments));
        out = mask ? tf.mul(r, mask) : r;
      }
      moments.push(tf.keep(tf.clone(out)));
      return tf.sum(tf.mul(out, w)) as tf.Scalar;
    };
    const { grads } = tf.valueAndGrads(f)([z, gamma, beta]);
    const result = [...moments, ...grads].map(bits);
    tf.dispose(moments);
    return result;
  });
}

describe('batchNormReluTraining', () => {
  // 16-column groups, 4-column groups; whole and partial 48-row blocks; one row.
  const shapes: [number, number, number][] = [
    [1024, 400, 0.2],
    [300, 400, 0],
    [100, 20, 0.5],
    [49, 36, 0],
    [7, 4, 0.2],
    [1, 8, 0],
  ];
  it.each(shapes)("on wasm, %i x %i, dropout %f: the composed ops' bits", async (rows, cols, rate) => {
    await selectBackend('wasm');
    const [expected, got] = [run(rows, cols, rate, false), run(rows, cols, rate, true)];
    expect(got.length).toBe(6);
    got.forEach((part, k) => expect(part, `part ${k}`).toEqual(expected[k]));
  });

  it('runs the two kernels on wasm, and tensors do not pile up', async () => {
    await selectBackend('wasm');
    const z = tf.tensor2d(values(64, 5), [16, 4]);
    const [g, b] = [tf.ones([4]) as tf.Tensor1D, tf.zeros([4]) as tf.Tensor1D];
    const before = tf.memory().numTensors;
    const info = await tf.profile(() =>
      tf.tidy(() => tf.grads((x: tf.Tensor) => tf.sum(batchNormReluTraining(x as tf.Tensor2D, g, b, 1e-5, null, 1, () => {})))([z])),
    );
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('ReclensBatchNormReluForward');
    expect(names).toContain('ReclensBatchNormReluBackward');
    tf.dispose(info.result);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, g, b]);
  });

  it('on cpu and for columns not a multiple of 4, the composed ops run (and agree)', async () => {
    await selectBackend('cpu');
    expect(run(30, 8, 0.2, true)).toEqual(run(30, 8, 0.2, false));
    await selectBackend('wasm');
    expect(run(30, 6, 0.2, true)).toEqual(run(30, 6, 0.2, false));
  });

  it('tells a wrong kernel apart: another keep value changes the gradient', async () => {
    await selectBackend('wasm');
    const grads = (keep: number) =>
      tf.tidy(() => {
        const z = tf.tensor2d(values(64, 6), [16, 4]);
        const mask = dropoutMask([16, 4], 3, 0.2);
        const f = (x: tf.Tensor) =>
          tf.sum(
            tf.mul(
              batchNormReluTraining(x as tf.Tensor2D, tf.ones([4]), tf.zeros([4]), 1e-5, mask, keep, () => {}),
              z,
            ),
          );
        return bits(tf.grad(f)(z));
      });
    expect(grads(1.25)).not.toEqual(grads(1.5));
  });
});
