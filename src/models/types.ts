import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../contracts/modelConfig.ts';
import type { Rng } from '../data/ctr/prng.ts';

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
