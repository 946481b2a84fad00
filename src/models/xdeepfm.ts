import * as tf from '@tensorflow/tfjs';
import { cin } from './cin.ts';
import { flatten, linearTerm, totalRows } from './embeddings.ts';
import { meanOf } from './layers.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import { tower } from './tower.ts';

/** xDeepFM: linear + CIN (one per set, averaged) + DNN. */
export function buildXDeepFm({ params, fields, config, embeddings }: BuildContext): ModelBody {
  const linear = linearTerm(params, totalRows(fields));
  const cins = Array.from({ length: config.embeddingSets }, () => cin(params, fields.length, config.cinLayers));
  const mlp = tower(params, fields.length * config.embeddingDim, config.embeddingSets, config.mlp, config.dropout);
  return {
    forward: (indices, training) => {
      const e = embeddings.lookup(indices);
      const c = meanOf(e.map((es, s) => cins[s](es)));
      return tf.addN([linear(embeddings.globalRows(indices)), c, mlp(e.map(flatten), training)]) as tf.Tensor1D;
    },
  };
}
