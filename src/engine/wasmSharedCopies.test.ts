/** Identity and same-dtype Cast on wasm share data: values, lifetimes and memory accounting. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { seededValues } from '../../test/support/tinyData.ts';

afterAll(() => selectBackend('cpu'));

describe('wasm Identity and Cast without copies', () => {
  it('a clone outlives its source with the same values, and allocates nothing', async () => {
    await selectBackend('wasm');
    const values = seededValues(1000, 4);
    const x = tf.tensor2d(values, [25, 40]);
    const dataBuffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(dataBuffers);
    x.dispose();
    expect(Array.from(await y.data())).toEqual(Array.from(values));
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(dataBuffers - 1);
  });

  it('same-dtype casts share; other casts still convert', async () => {
    await selectBackend('wasm');
    const f = tf.tensor1d([1.75, -2.5, 3]);
    const i = tf.tensor1d([4, -5], 'int32');
    const before = tf.memory().numDataBuffers;
    const [ff, ii] = [tf.cast(f, 'float32'), tf.cast(i, 'int32')];
    expect(tf.memory().numDataBuffers).toBe(before);
    const [fi, bf] = [tf.cast(f, 'int32'), tf.cast(tf.tensor1d([1, 0, 1], 'bool'), 'float32')];
    expect(Array.from(await ff.data())).toEqual([1.75, -2.5, 3]);
    expect(Array.from(await ii.data())).toEqual([4, -5]);
    expect(Array.from(await fi.data())).toEqual([1, -2, 3]);
    expect(Array.from(await bf.data())).toEqual([1, 0, 1]);
    expect(fi.dtype).toBe('int32');
    tf.dispose([f, i, ff, ii, fi, bf]);
  });

  it('a customGrad op that saves its inputs gives the same gradient, and frees what it saved', async () => {
    await selectBackend('wasm');
    const op = tf.customGrad((...inputs) => {
      const [a] = inputs as [tf.Tensor];
      (inputs[1] as tf.GradSaveFunc)([a]);
      return { value: tf.square(a), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.mul(saved[0], 2))] };
    });
    const a = tf.tensor1d([0.5, -3, 2]);
    const before = tf.memory().numDataBuffers;
    const g = tf.grad((x: tf.Tensor) => tf.sum(op(x) as tf.Tensor))(a);
    expect(Array.from(await g.data())).toEqual([1, -6, 4]);
    g.dispose();
    expect(tf.memory().numDataBuffers).toBe(before);
    a.dispose();
  });
});
