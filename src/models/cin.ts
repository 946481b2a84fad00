import * as tf from '@tensorflow/tfjs';
import { dense } from './layers.ts';
import type { Params } from './params.ts';

/**
 * xDeepFM's Compressed Interaction Network with split-half (pytorch-fm): layer l forms the
 * outer products of x0 (F maps) and h (H maps) per embedding coordinate, compresses the F*H
 * maps to C_l with a 1x1 convolution and a ReLU, keeps half as the next h and sum-pools the other
 * half over K; a linear layer maps the pooled features to one logit. batch x F x K to batch.
 */
export function cin(p: Params, fields: number, layerSizes: number[]): (e: tf.Tensor3D) => tf.Tensor1D {
  const convs: { w: tf.Variable; b: tf.Variable }[] = [];
  let prev = fields;
  let pooled = 0;
  layerSizes.forEach((size, l) => {
    const limit = 1 / Math.sqrt(fields * prev);
    convs.push({ w: p.uniform([fields * prev, size], limit), b: p.uniform([size], limit) });
    const last = l === layerSizes.length - 1;
    const next = last ? size : Math.floor(size / 2);
    pooled += size - (last ? 0 : next);
    prev = next;
  });
  if (layerSizes.length === 0) throw new RangeError('CIN needs at least one layer');
  const fc = dense(p, pooled, 1);
  return (e) => {
    const [b, f, k] = e.shape;
    // Coordinate-major layout batch x K x maps avoids transposes between layers.
    const x0 = tf.transpose(e, [0, 2, 1]).reshape([b, k, f, 1]);
    let h: tf.Tensor3D = tf.transpose(e, [0, 2, 1]);
    const sums: tf.Tensor2D[] = [];
    convs.forEach(({ w, b: bias }, l) => {
      const hw = h.shape[2];
      const z = tf.mul(x0, h.reshape([b, k, 1, hw])).reshape([b * k, f * hw]);
      const out = tf.relu(tf.add(tf.matMul(z, w), bias)).reshape([b, k, layerSizes[l]]) as tf.Tensor3D;
      if (l < convs.length - 1) {
        const half = Math.floor(layerSizes[l] / 2);
        const [pool, next] = tf.split(out, [layerSizes[l] - half, half], 2) as tf.Tensor3D[];
        sums.push(tf.sum(pool, 1));
        h = next;
      } else {
        sums.push(tf.sum(out, 1));
      }
    });
    return fc(tf.concat(sums, 1), false).reshape([-1]) as tf.Tensor1D;
  };
}
