/** The tiled wasm Transpose against the cpu backend's, value for value, and its fallbacks. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { seededValues } from '../../test/support/tinyData.ts';
import { transposeTiled } from './wasmTranspose.ts';

const CASES: { shape: number[]; perm?: number[]; dtype: 'float32' | 'int32' }[] = [
  { shape: [37, 53], dtype: 'float32' },
  { shape: [1024, 64], dtype: 'float32' },
  { shape: [16, 16], dtype: 'float32' },
  // Sides that are multiples of 4 take the SIMD module (transposeWasmModule.ts): tiles whole and partial, batches.
  { shape: [1024, 80], dtype: 'float32' },
  { shape: [400, 416], dtype: 'float32' },
  { shape: [20, 12], dtype: 'float32' },
  { shape: [3, 4, 36], perm: [0, 2, 1], dtype: 'float32' },
  { shape: [2, 24, 8], perm: [0, 2, 1], dtype: 'int32' },
  { shape: [1, 9], dtype: 'float32' },
  { shape: [5, 17, 33], perm: [0, 2, 1], dtype: 'float32' },
  { shape: [3, 2, 19, 18], perm: [0, 1, 3, 2], dtype: 'int32' },
  { shape: [4, 6, 5], perm: [2, 0, 1], dtype: 'float32' }, // another permutation: the original kernel
  { shape: [0, 7], dtype: 'float32' },
];

async function transposed(
  backend: 'cpu' | 'wasm',
  shape: number[],
  dtype: 'float32' | 'int32',
  perm?: number[],
): Promise<{ shape: number[]; values: number[] }> {
  await selectBackend(backend);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'int32' ? Array.from({ length: size }, (_, i) => (i * 7919) % 1009) : Array.from(seededValues(size, 3));
  const x = tf.tensor(values, shape, dtype);
  const y = tf.transpose(x, perm);
  const out = { shape: y.shape, values: Array.from(await y.data()) };
  tf.dispose([x, y]);
  return out;
}

describe('wasm Transpose', () => {
  for (const c of CASES) {
    it(`${c.dtype} ${JSON.stringify(c.shape)} perm ${JSON.stringify(c.perm ?? 'reverse')} equals cpu's`, async () => {
      const cpu = await transposed('cpu', c.shape, c.dtype, c.perm);
      const wasm = await transposed('wasm', c.shape, c.dtype, c.perm);
      expect(wasm.shape).toEqual(cpu.shape);
      expect(wasm.values).toEqual(cpu.values);
    });
  }

  it('keeps the gradient of a transpose', async () => {
    await selectBackend('wasm');
    const x = tf.tensor2d(Array.from(seededValues(6 * 4, 5)), [6, 4]);
    const w = tf.tensor2d(Array.from(seededValues(6 * 4, 6)), [4, 6]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.transpose(a), w)))(x);
    expect(Array.from(await g.data())).toEqual(Array.from(await tf.transpose(w).data()));
    tf.dispose([x, w, g]);
  });

  it('tiles a batch of matrices as one after another', () => {
    const src = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i);
    const out = new Float32Array(src.length);
    transposeTiled(src, out, 2, 3, 2);
    expect(Array.from(out)).toEqual([0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
  });
});
