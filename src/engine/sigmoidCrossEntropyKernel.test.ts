/** The wasm sigmoid cross-entropy kernels against tf.losses.sigmoidCrossEntropy: the same value and gradient bits. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { sigmoidCrossEntropy } from '../models/sigmoidCrossEntropy.ts';
import { SIGMOID_CROSS_ENTROPY, SIGMOID_CROSS_ENTROPY_GRAD } from './sigmoidCrossEntropyKernel.ts';

afterAll(() => selectBackend('cpu'));

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/** Logits over eight magnitudes with some +-0, labels 0 / 1 (or soft). */
function batch(n: number, seed: number, soft: boolean): [tf.Tensor1D, tf.Tensor1D] {
  const x = Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? (i % 2 ? -0 : 0) : Math.sin((i + 1) * 12.9898 + seed) * 10 ** ((i % 8) - 3)));
  const z = Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 4 === 0 ? 1 : soft ? 0.3 : 0));
  return [tf.tensor1d(z), tf.tensor1d(x)];
}

const valueAndGrad = (loss: (z: tf.Tensor1D, x: tf.Tensor1D) => tf.Scalar, z: tf.Tensor1D, x: tf.Tensor1D) =>
  tf.valueAndGrad((l: tf.Tensor) => loss(z, l as tf.Tensor1D))(x);
const stock = (z: tf.Tensor1D, x: tf.Tensor1D) => tf.losses.sigmoidCrossEntropy(z, x) as tf.Scalar;

describe('sigmoidCrossEntropyKernel', () => {
  it('leaves cpu to the composed loss', async () => {
    await selectBackend('cpu');
    const [z, x] = batch(8, 1, false);
    const info = await tf.profile(() => sigmoidCrossEntropy(z, x));
    expect(info.kernels.map((k) => k.name)).not.toContain(SIGMOID_CROSS_ENTROPY);
    tf.dispose([z, x]);
  });

  it.each([
    [1024, 1, false],
    [1024, 2, true],
    [1000, 3, false],
    [7, 4, true],
    [1, 5, false],
  ])('on wasm, %i logits (seed %i, soft labels %s): the same value and gradient bits', async (n, seed, soft) => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const [z, x] = batch(n, seed, soft);
      const want = valueAndGrad(stock, z, x);
      const got = valueAndGrad(sigmoidCrossEntropy, z, x);
      expect(got.value.shape).toEqual([]);
      expect(bits(got.value)).toEqual(bits(want.value));
      expect(bits(got.grad)).toEqual(bits(want.grad));
    });
  });

  it('runs as its kernels on wasm, and the bit checks can fail', async () => {
    await selectBackend('wasm');
    const [z, x] = batch(1024, 6, false);
    const info = await tf.profile(() => valueAndGrad(sigmoidCrossEntropy, z, x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain(SIGMOID_CROSS_ENTROPY);
    expect(names).toContain(SIGMOID_CROSS_ENTROPY_GRAD);
    expect(names).not.toContain('Relu');
    tf.tidy(() => {
      // The same terms summed from the last: other bits, so the order above is what matched.
      const terms = tf.add(tf.sub(tf.relu(x), tf.mul(x, z)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))).dataSync();
      let reversed = 0;
      for (let i = terms.length - 1; i >= 0; i--) reversed = Math.fround(reversed + terms[i]);
      expect(bits(tf.scalar(Math.fround(reversed / terms.length)))).not.toEqual(bits(valueAndGrad(sigmoidCrossEntropy, z, x).value));
    });
    tf.dispose([z, x]);
  });
});
