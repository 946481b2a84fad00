/** fmInteraction with the wasm gradient kernels against tfjs's own gradient of the same ops: the same bits. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { fieldSumKernelsReady } from '../engine/fieldSumKernel.ts';
import { fmInteraction } from './fmInteraction.ts';

afterAll(() => selectBackend('cpu'));

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 12.9898 + seed * 78.233) * 10 ** ((i % 5) - 2));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/** The term as it was composed before the kernel: tfjs differentiates it. */
function composed(e: tf.Tensor3D): tf.Tensor1D {
  const squareOfSum = tf.square(tf.sum(e, 1));
  const sumOfSquare = tf.sum(tf.square(e), 1);
  return tf.mul(tf.sum(tf.sub(squareOfSum, sumOfSquare), 1), 0.5) as tf.Tensor1D;
}

/**
 * Value and gradient of sum(w * fm(e)) + sum(v * e^3) (as DeepFM, e also feeds another path:
 * its gradient adds three parts), as bits.
 */
function run(shape: [number, number, number], fm: (e: tf.Tensor3D) => tf.Tensor1D): number[][] {
  return tf.tidy(() => {
    const e = tf.tensor3d(values(shape[0] * shape[1] * shape[2], 1), shape);
    const w = tf.tensor1d(values(shape[0], 2));
    const v = tf.tensor3d(values(e.size, 3), shape);
    const f = (x: tf.Tensor) => tf.add(tf.sum(tf.mul(fm(x as tf.Tensor3D), w)), tf.sum(tf.mul(tf.pow(x, 3), v))) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(f)([e]);
    return [bits(fm(e)), bits(value), bits(grads[0])];
  });
}

describe('fmInteraction', () => {
  const shapes: [number, number, number][] = [
    [1024, 26, 16],
    [5, 3, 4],
    [7, 2, 8],
    [3, 4, 6],
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(shapes)(`on ${backend}, %i x %i x %i: tfjs's value and gradient bits`, async (b, f, k) => {
      await selectBackend(backend);
      expect(run([b, f, k], fmInteraction)).toEqual(run([b, f, k], composed));
    });
  }

  it("sums over fields on wasm with tf.sum's bits (x and x^2)", async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const x = tf.tensor3d(values(1024 * 26 * 16, 4), [1024, 26, 16]);
      expect(fieldSumKernelsReady(x)).toBe(true);
      const sum = (squares: boolean) => tf.engine().runKernel('ReclensFieldSum', { x }, { squares }) as tf.Tensor;
      expect(bits(sum(false))).toEqual(bits(tf.sum(x, 1)));
      expect(bits(sum(true))).toEqual(bits(tf.sum(tf.square(x), 1)));
      expect(bits(sum(true))).not.toEqual(bits(sum(false)));
    });
  });

  it('takes the kernels on wasm for K a multiple of 4', async () => {
    await selectBackend('wasm');
    const e = tf.tensor3d(values(2 * 3 * 4, 3), [2, 3, 4]);
    const info = await tf.profile(() => tf.grad((x: tf.Tensor) => tf.sum(fmInteraction(x as tf.Tensor3D)))(e));
    expect(info.kernels.map((k) => k.name)).toEqual(expect.arrayContaining(['ReclensFieldSum', 'ReclensFieldSumGrad']));
    tf.dispose([e, info.result]);
  });

  it('has the analytic gradient s_k - e_fk (the check can fail)', async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const e = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(fmInteraction(x as tf.Tensor3D)))(e);
      expect(Array.from(g.dataSync())).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
    });
  });
});
