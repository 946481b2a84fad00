import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { filledTensors, valuesInPlace } from './tensorView.ts';

afterAll(() => selectBackend('cpu'));

describe('valuesInPlace', () => {
  it.each(['cpu', 'wasm'] as const)('%s: the values of dataSync, and no copy on wasm', async (backend) => {
    await selectBackend(backend);
    const x = tf.tensor2d([1.5, -2, 3.25, 4, 0, -7], [3, 2]);
    const view = valuesInPlace(x);
    expect(Array.from(view)).toEqual([1.5, -2, 3.25, 4, 0, -7]);
    // wasm: a view into the backend's heap (dataSync would give an array of its own); cpu: the backend's array.
    if (backend === 'wasm') expect(view.byteLength).toBeLessThan(view.buffer.byteLength);
    else expect(view).toBe(x.dataSync());
    expect(() => valuesInPlace(tf.tensor1d([1, 2], 'int32'))).toThrow(/float32/);
    x.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('%s: filledTensors writes new tensors in place, zeros where not written', async (backend) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const [a, b] = filledTensors([[2, 3], [4]], ([x, y]) => {
      expect(Array.from(x)).toEqual([0, 0, 0, 0, 0, 0]);
      x[1] = 2.5;
      x[5] += -1;
      y[3] = 7;
    });
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.dataSync())).toEqual([0, 2.5, 0, 0, 0, -1]);
    expect(Array.from(b.dataSync())).toEqual([0, 0, 0, 7]);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
