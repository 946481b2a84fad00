import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { rowBlock } from './rowBlock.ts';

afterAll(() => selectBackend('cpu'));

describe('rowBlock', () => {
  it.each(['cpu', 'wasm'] as const)('%s: the values and gradient of tf.slice, bit for bit', async (backend) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const m = tf.randomNormal([7, 3], 0, 1, 'float32', 4) as tf.Tensor2D;
      const c = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
      const via = (f: (x: tf.Tensor2D) => tf.Tensor) => {
        const [g] = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(c, f(x as tf.Tensor2D))))([m]);
        return [Array.from(f(m).dataSync()), Array.from(g.dataSync())];
      };
      expect(via((x) => rowBlock(x, 2, 4))).toEqual(via((x) => tf.slice(x, [2, 0], [4, 3])));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects rows outside the matrix', () => {
    const m = tf.zeros([3, 2]) as tf.Tensor2D;
    expect(() => rowBlock(m, 2, 2)).toThrow(/outside/);
    m.dispose();
  });
});
