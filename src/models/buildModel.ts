import * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../data/ctr/ctrDataset.ts';
import { buildDcnV2 } from './dcnv2.ts';
import { buildDeepFm } from './deepfm.ts';
import { buildDnn } from './dnn.ts';
import { createEmbeddingSets } from './embeddings.ts';
import { buildFinalMlp } from './finalmlp.ts';
import { buildFm } from './fm.ts';
import { buildIpnn } from './ipnn.ts';
import { buildLr } from './lr.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import { Params } from './params.ts';
import type { RecModel } from './types.ts';
import type { ModelConfig, ModelKind } from '../contracts/modelConfig.ts';
import { buildXDeepFm } from './xdeepfm.ts';

const BUILDERS: Record<ModelKind, (ctx: BuildContext) => ModelBody> = {
  lr: buildLr,
  fm: buildFm,
  dnn: buildDnn,
  deepfm: buildDeepFm,
  dcnv2: buildDcnV2,
  ipnn: buildIpnn,
  xdeepfm: buildXDeepFm,
  finalmlp: buildFinalMlp,
};

function checkConfig(config: ModelConfig, fields: CtrField[]): void {
  const positive = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  };
  if (!(config.kind in BUILDERS)) throw new RangeError(`unknown model kind "${config.kind}"`);
  if (fields.length === 0) throw new RangeError('the dataset has no fields');
  fields.forEach((f) => positive(f.cardinality, `cardinality of field "${f.name}"`));
  positive(config.embeddingDim, 'embeddingDim');
  positive(config.embeddingSets, 'embeddingSets');
  config.mlp.forEach((w) => positive(w, 'every MLP width'));
  config.cinLayers.forEach((w) => positive(w, 'every CIN layer size'));
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${config.dropout}`);
}

/** Builds a model's variables (seeded) and its forward pass for these fields. */
export function buildModel(config: ModelConfig, fields: CtrField[]): RecModel {
  checkConfig(config, fields);
  const params = new Params(config.seed);
  const dim = config.kind === 'lr' ? 1 : config.embeddingDim;
  const embeddings = createEmbeddingSets(params, fields, dim, config.embeddingSets);
  const body = BUILDERS[config.kind]({ params, fields, config, embeddings });
  return {
    config,
    trainableVariables: params.trainable,
    embeddingTables: embeddings.tables,
    stateVariables: params.state,
    dropoutRng: params.rng,
    forward: (indices, training) => tf.tidy(() => body.forward(indices, training)),
    ...(body.crossWeights ? { crossWeights: body.crossWeights } : {}),
    parameterCount: () => params.count(),
    dispose: () => {
      params.dispose();
      embeddings.dispose();
    },
  };
}
