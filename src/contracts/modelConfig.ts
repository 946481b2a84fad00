/** What configures a CTR model and its training: the schema forms, links, requests and saved runs share. */

export type ModelKind = 'lr' | 'fm' | 'dnn' | 'deepfm' | 'dcnv2' | 'ipnn' | 'xdeepfm' | 'finalmlp';

export const MODEL_KINDS: readonly ModelKind[] = ['lr', 'fm', 'dnn', 'deepfm', 'dcnv2', 'ipnn', 'xdeepfm', 'finalmlp'];

export interface ModelConfig {
  kind: ModelKind;
  /** K, the width of every field embedding (LR ignores it: its per-row weight has width 1). */
  embeddingDim: number;
  /** M: 1 = single embedding, M > 1 = multi-embedding (Guo et al. 2024). */
  embeddingSets: number;
  /** Hidden widths of the MLP; the first layer is per embedding set, the rest shared. */
  mlp: number[];
  dropout: number;
  /** DCNv2 full-rank cross layers. */
  crossLayers: number;
  /** xDeepFM CIN layer sizes. */
  cinLayers: number[];
  /** Seeds every initial weight and the dropout masks. */
  seed: number;
}

/** The published Multi-Embedding setup (SCIENCE.md section 1): dim 10, MLP 400-400, dropout 0.2. */
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  kind: 'dnn',
  embeddingDim: 10,
  embeddingSets: 1,
  mlp: [400, 400],
  dropout: 0.2,
  crossLayers: 3,
  cinLayers: [16, 16],
  seed: 1,
};

export interface TrainConfig {
  lr: number;
  /** Coupled L2 (torch Adam weight_decay). */
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** Validations without a better AUC before stopping; 0 = never stop early. */
  earlyStopPatience: number;
  /** Validate every this many steps; 0 = at the end of every epoch. */
  evalEvery: number;
  /** Seeds the shuffling (the model's weights come from ModelConfig.seed). */
  seed: number;
}

/** The published Multi-Embedding setup: Adam 1e-3, weight decay 1e-6, batch 2048. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  lr: 1e-3,
  weightDecay: 1e-6,
  batchSize: 2048,
  epochs: 10,
  earlyStopPatience: 2,
  evalEvery: 0,
  seed: 1,
};
