import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../data/ctr/ctrDataset.ts';
import type { EmbeddingSets } from './embeddings.ts';
import type { Params } from './params.ts';
import type { ModelConfig } from '../contracts/modelConfig.ts';

/** What a model builder gets: its weights store, the data's fields and the embedding sets. */
export interface BuildContext {
  params: Params;
  fields: CtrField[];
  config: ModelConfig;
  embeddings: EmbeddingSets;
}

/** A model kind's own part: the forward pass (and DCNv2's cross weights). */
export interface ModelBody {
  forward(indices: tf.Tensor2D, training: boolean): tf.Tensor1D;
  crossWeights?(set?: number): tf.Variable;
}
