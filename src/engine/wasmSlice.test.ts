/** The wasm Slice that reads in place against the cpu backend's slice, value for value. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { seededValues } from '../../test/support/tinyData.ts';

afterAll(() => selectBackend('cpu'));

const CASES: { shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
  { shape: [78384], begin: [1000], size: [5120], dtype: 'float32' }, // a variable out of a flat update
  { shape: [100], begin: [97], size: [-1], dtype: 'float32' },
  { shape: [40, 7], begin: [3, 0], size: [5, 7], dtype: 'float32' }, // whole rows: contiguous
  { shape: [40, 7], begin: [2, 3], size: [6, 2], dtype: 'float32' }, // a column block: row by row
  { shape: [1024, 2], begin: [0, 1], size: [-1, 1], dtype: 'float32' }, // one task's labels
  { shape: [9, 5], begin: [1, 1], size: [3, 3], dtype: 'int32' },
  { shape: [6, 4], begin: [1, 2], size: [4, 2], dtype: 'bool' },
  { shape: [3, 4, 5], begin: [1, 0, 2], size: [2, 3, 2], dtype: 'float32' }, // rank 3: the original kernel
  { shape: [10], begin: [4], size: [0], dtype: 'float32' },
];

async function sliced(backend: 'cpu' | 'wasm', c: (typeof CASES)[number]): Promise<{ shape: number[]; values: number[] }> {
  await selectBackend(backend);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (c.dtype === 'int32' ? (i * 7919) % 1009 : i % 3 === 0 ? 1 : 0));
  const x = tf.tensor(c.dtype === 'float32' ? seededValues(n, 5) : values, c.shape, c.dtype);
  const before = tf.memory().numTensors;
  const y = tf.slice(x, c.begin, c.size);
  const out = { shape: y.shape, values: Array.from(await y.data()) };
  expect(tf.memory().numTensors).toBe(before + 1);
  tf.dispose([x, y]);
  return out;
}

describe('wasm Slice in place', () => {
  it.each(CASES)('$shape from $begin size $size ($dtype) equals cpu', async (c) => {
    const want = await sliced('cpu', c);
    const got = await sliced('wasm', c);
    expect(got).toEqual(want);
    if (c.size.every((s) => s !== 0)) expect(got.values.length).toBeGreaterThan(0);
  });
});
