import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { valuesInPlace } from './tensorView.ts';

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
});
