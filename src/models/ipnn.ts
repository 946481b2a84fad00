import * as tf from '@tensorflow/tfjs';
import { flatten } from './embeddings.ts';
import { innerProducts, pairCount } from './innerProducts.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import { tower } from './tower.ts';

/** IPNN: the concatenated embeddings and the inner products of every field pair, into the MLP. */
export function buildIpnn({ params, fields, config, embeddings }: BuildContext): ModelBody {
  const f = fields.length;
  const mlp = tower(params, f * config.embeddingDim + pairCount(f), config.embeddingSets, config.mlp, config.dropout);
  return {
    forward: (indices, training) =>
      mlp(
        embeddings.lookup(indices).map((e) => (f > 1 ? tf.concat([flatten(e), innerProducts(e)], 1) : flatten(e))),
        training,
      ),
  };
}
