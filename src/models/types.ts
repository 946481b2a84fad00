import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../data/ctr/prng.ts';

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

export interface RecModel {
  readonly config: ModelConfig;
  readonly trainableVariables: tf.Variable[];
  /** One concatenated table per embedding set: rows = sum of field cardinalities (fieldOffsets layout). */
  readonly embeddingTables: tf.Variable[];
  /** Non-trainable state that evaluation uses (BatchNorm running averages). */
  readonly stateVariables: tf.Variable[];
  /** Draws the dropout seeds of each training forward pass (its state is part of a checkpoint). */
  readonly dropoutRng: Rng;
  /** indices: batch x F int32, per-field local rows. Returns the click logits (batch). */
  forward(indices: tf.Tensor2D, training: boolean): tf.Tensor1D;
  /**
   * DCNv2 only: the first cross layer W0 of embedding set `set` (default 0), F*K x F*K in the
   * paper's orientation (row = output coordinate, x1 = x0 * (W0 x0 + b0) + x0). Owned by the model.
   */
  crossWeights?(set?: number): tf.Variable;
  parameterCount(): number;
  dispose(): void;
}
