/** The wasm Concat and Pack that copy short runs in a loop, against the cpu backend, value for value. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { seededValues } from '../../test/support/tinyData.ts';

afterAll(() => selectBackend('cpu'));

type Join = { op: 'concat' | 'stack'; shapes: number[][]; axis: number; dtype: 'float32' | 'int32' | 'bool' };
const CASES: Join[] = [
  {
    op: 'stack',
    shapes: [
      [1024, 32],
      [1024, 32],
      [1024, 32],
      [1024, 32],
    ],
    axis: 1,
    dtype: 'float32',
  }, // MMoE's experts
  {
    op: 'stack',
    shapes: [
      [5, 3],
      [5, 3],
    ],
    axis: 0,
    dtype: 'int32',
  },
  {
    op: 'stack',
    shapes: [
      [4, 70],
      [4, 70],
      [4, 70],
    ],
    axis: -1,
    dtype: 'float32',
  },
  { op: 'stack', shapes: [[6], [6]], axis: 1, dtype: 'bool' },
  { op: 'concat', shapes: [[1000], [20000], [7]], axis: 0, dtype: 'float32' }, // a flat layout
  {
    op: 'concat',
    shapes: [
      [8, 3],
      [8, 100],
      [8, 0],
      [8, 1],
    ],
    axis: 1,
    dtype: 'float32',
  },
  {
    op: 'concat',
    shapes: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    axis: 1,
    dtype: 'int32',
  },
  {
    op: 'concat',
    shapes: [
      [3, 2],
      [0, 2],
    ],
    axis: 0,
    dtype: 'float32',
  },
];

async function joined(backend: 'cpu' | 'wasm', c: Join): Promise<{ shape: number[]; values: number[] }> {
  await selectBackend(backend);
  const xs = c.shapes.map((s, i) => {
    const n = s.reduce((a, b) => a * b, 1);
    const ints = Array.from({ length: n }, (_, k) => (c.dtype === 'bool' ? (k + i) % 2 : (k * 31 + i * 7) % 101));
    return tf.tensor(c.dtype === 'float32' ? seededValues(n, i + 1) : ints, s, c.dtype);
  });
  const y = c.op === 'stack' ? tf.stack(xs, c.axis) : tf.concat(xs, c.axis);
  const out = { shape: y.shape, values: Array.from(await y.data()) };
  tf.dispose([...xs, y]);
  return out;
}

describe('wasm Concat and Pack', () => {
  it.each(CASES)('$op of $shapes on axis $axis ($dtype) equals cpu', async (c) => {
    const want = await joined('cpu', c);
    const got = await joined('wasm', c);
    expect(got).toEqual(want);
    expect(got.values.length).toBe(want.shape.reduce((a, b) => a * b, 1));
  });
});
