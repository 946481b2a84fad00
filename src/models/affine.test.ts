import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/support/testBackend.ts';
import { affine, withSharedInputTransposes } from './affine.ts';

/** Two affine layers reading the same input (as MMoE's experts read the embedding): their gradients. */
function twoLayerGrads(x: tf.Tensor2D, ws: tf.Tensor2D[], bs: tf.Tensor1D[]): tf.Tensor[] {
  return tf.grads((xi: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) =>
    tf.add(tf.sum(tf.square(affine(xi as tf.Tensor2D, w1 as tf.Tensor2D, bs[0]))), tf.sum(affine(xi as tf.Tensor2D, w2 as tf.Tensor2D, bs[1]))),
  )([x, ...ws]);
}

describe('withSharedInputTransposes', () => {
  afterAll(() => useBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: the same gradients with one transpose of the shared input, nothing kept after', async (backend) => {
    await useBackend(backend);
    const x = tf.randomNormal([32, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const ws = [2, 3].map((seed) => tf.randomNormal([6, 4], 0, 1, 'float32', seed) as tf.Tensor2D);
    const bs = [tf.zeros([4]) as tf.Tensor1D, tf.ones([4]) as tf.Tensor1D];
    const transposes = async (f: () => tf.Tensor[]) => {
      let out: tf.Tensor[] = [];
      const info = await tf.profile(() => {
        out = f();
        return out;
      });
      return { out, count: info.kernels.filter((k) => k.name === 'Transpose' && k.inputShapes[0]?.[0] === 32).length };
    };
    const plain = await transposes(() => twoLayerGrads(x, ws, bs));
    const before = tf.memory().numTensors;
    const shared = await transposes(() => withSharedInputTransposes(() => twoLayerGrads(x, ws, bs)));
    // Two layers read x: two transposes of it without sharing, one with.
    expect(plain.count).toBe(2);
    expect(shared.count).toBe(1);
    expect(tf.memory().numTensors).toBe(before + shared.out.length);
    shared.out.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(plain.out[i].dataSync())));
    tf.dispose([x, ...ws, ...bs, ...plain.out, ...shared.out]);
  });
});
