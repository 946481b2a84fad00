import { crossNetwork } from './crossNetwork.ts';
import { flatten } from './embeddings.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import { tower } from './tower.ts';

/**
 * DCNv2 (stacked): per set, full-rank cross layers on the concatenated embeddings, then the
 * set's first MLP block; averaged over sets, then the shared MLP (thuml's MultiDCNnew2).
 */
export function buildDcnV2({ params, fields, config, embeddings }: BuildContext): ModelBody {
  if (config.crossLayers < 1) throw new RangeError('DCNv2 needs at least one cross layer');
  const dim = fields.length * config.embeddingDim;
  const crosses = Array.from({ length: config.embeddingSets }, () => crossNetwork(params, dim, config.crossLayers));
  const mlp = tower(params, dim, config.embeddingSets, config.mlp, config.dropout);
  return {
    forward: (indices, training) =>
      mlp(
        embeddings.lookup(indices).map((e, s) => crosses[s].forward(flatten(e))),
        training,
      ),
    crossWeights: (set = 0) => {
      if (!(set >= 0 && set < crosses.length)) throw new RangeError(`no embedding set ${set}`);
      return crosses[set].weights[0];
    },
  };
}
