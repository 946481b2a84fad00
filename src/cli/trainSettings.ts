/** The model and training configs of a `reclens train` run: the Train tab's defaults for the dataset and model, then the command line's overrides. */
import { DEFAULT_MODEL_CONFIG, type ModelConfig, type ModelKind, type TrainConfig } from '../contracts/modelConfig.ts';
import type { DatasetIndexEntry } from '../data/ctr/datasetIndex.ts';
import { trainDefaultsFor } from '../data/ctr/trainDefaults.ts';
import type { TrainOverrides } from './parseCliArgs.ts';

export function trainSettings(entry: DatasetIndexEntry | undefined, kind: ModelKind, o: TrainOverrides): { model: ModelConfig; train: TrainConfig } {
  const d = trainDefaultsFor(entry, kind);
  const seed = o.seed ?? 1;
  return {
    model: {
      ...DEFAULT_MODEL_CONFIG,
      kind,
      embeddingDim: o.dim ?? d.dim,
      embeddingSets: o.sets ?? 1,
      mlp: o.mlp ?? d.mlp,
      dropout: o.dropout ?? d.dropout,
      crossLayers: o.cross ?? DEFAULT_MODEL_CONFIG.crossLayers,
      seed,
    },
    train: {
      lr: o.lr ?? d.lr,
      weightDecay: o.weightDecay ?? d.weightDecay,
      batchSize: o.batch ?? d.batchSize,
      epochs: o.epochs ?? d.epochs,
      earlyStopPatience: o.patience ?? d.patience,
      evalEvery: o.evalEvery ?? d.evalEvery,
      seed,
    },
  };
}
