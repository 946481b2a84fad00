import * as tf from '@tensorflow/tfjs';
import { linearTerm, totalRows } from './embeddings.ts';
import { fmInteraction } from './fmInteraction.ts';
import { meanOf } from './layers.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';

/** Factorization machine: linear term + second-order term, the latter averaged over sets. */
export function buildFm({ params, fields, embeddings }: BuildContext): ModelBody {
  const linear = linearTerm(params, totalRows(fields));
  return {
    forward: (indices) => {
      const rows = embeddings.globalRows(indices);
      const fm = meanOf(embeddings.lookupRows(rows).map(fmInteraction));
      return tf.add(linear(rows), fm);
    },
  };
}
