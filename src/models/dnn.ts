import { flatten } from './embeddings.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import { tower } from './tower.ts';

/** DNN: the concatenated field embeddings through the MLP. */
export function buildDnn({ params, fields, config, embeddings }: BuildContext): ModelBody {
  const mlp = tower(params, fields.length * config.embeddingDim, config.embeddingSets, config.mlp, config.dropout);
  return {
    forward: (indices, training) => mlp(embeddings.lookup(indices).map(flatten), training),
  };
}
