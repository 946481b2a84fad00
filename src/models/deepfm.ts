import * as tf from '@tensorflow/tfjs';
import { flatten, linearTerm, totalRows } from './embeddings.ts';
import { fmInteraction } from './fmInteraction.ts';
import { meanOf } from './layers.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import { tower } from './tower.ts';

/** DeepFM: linear + FM (averaged over sets) + DNN on the same embeddings. */
export function buildDeepFm({ params, fields, config, embeddings }: BuildContext): ModelBody {
  const linear = linearTerm(params, totalRows(fields));
  const mlp = tower(params, fields.length * config.embeddingDim, config.embeddingSets, config.mlp, config.dropout);
  return {
    forward: (indices, training) => {
      const rows = embeddings.globalRows(indices);
      const e = embeddings.lookupRows(rows);
      const fm = meanOf(e.map(fmInteraction));
      return tf.addN([linear(rows), fm, mlp(e.map(flatten), training)]) as tf.Tensor1D;
    },
  };
}
