import * as tf from '@tensorflow/tfjs';
import { affine } from './affine.ts';
import type { Params } from './params.ts';

export interface CrossNetwork {
  /** W_l in the paper's orientation (out x in), F*K x F*K. */
  weights: tf.Variable[];
  forward(x0: tf.Tensor2D): tf.Tensor2D;
}

/** DCNv2 full-rank cross layers x_{l+1} = x0 * (W_l x_l + b_l) + x_l; W xavier-uniform, b zero. */
export function crossNetwork(p: Params, dim: number, layers: number): CrossNetwork {
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l < layers; l++) {
    weights.push(p.xavier([dim, dim], dim, dim));
    biases.push(p.constant([dim], 0));
  }
  return {
    weights,
    forward(x0) {
      let x = x0;
      for (let l = 0; l < layers; l++) {
        // x W^T through an explicit transpose: wasm's fast matMul path takes no transpose flags (affine.ts).
        x = tf.add(tf.mul(x0, affine(x, tf.transpose(weights[l]) as tf.Tensor2D, biases[l] as tf.Tensor1D)), x);
      }
      return x;
    },
  };
}
