import * as tf from '@tensorflow/tfjs';
import { meanOf } from './layers.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';

/**
 * Logistic regression: logit = sum_f w[x_f] + b. Its "embedding" is the width-1 weight table
 * (embeddingDim is not used); with M sets the M tables are averaged, which is just one LR again:
 * a linear model gains nothing from multi-embedding.
 */
export function buildLr({ params, embeddings }: BuildContext): ModelBody {
  const bias = params.constant([1], 0);
  return {
    forward: (indices) => {
      const perSet = embeddings.lookup(indices).map((e) => tf.sum(e, [1, 2]) as tf.Tensor1D);
      return tf.add(meanOf(perSet), bias);
    },
  };
}
