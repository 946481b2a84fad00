import type * as tf from '@tensorflow/tfjs';
import type { MultiTaskKind } from '../../contracts/multitaskConfig.ts';

export interface MultiTaskConfig {
  kind: MultiTaskKind;
  /** Width of every field embedding (STEM: of each slice). */
  embeddingDim: number;
  /** Shared-bottom's shared MLP; also the MLP of each single-task baseline. */
  bottomWidths: number[];
  /** Hidden widths of every expert (MMoE, PLE, STEM). */
  expertWidths: number[];
  /** Hidden widths of each task tower before its logit. */
  towerWidths: number[];
  /** MMoE: number of shared experts. */
  experts: number;
  /** PLE / STEM: experts per task, and shared experts. */
  specificExperts: number;
  sharedExperts: number;
  /** PLE extraction levels. */
  levels: 1 | 2;
  seed: number;
}

/** Small sizes that train in seconds in a browser. */
export const DEFAULT_MULTI_TASK_CONFIG: MultiTaskConfig = {
  kind: 'mmoe',
  embeddingDim: 8,
  bottomWidths: [64, 32],
  expertWidths: [64, 32],
  towerWidths: [32],
  experts: 4,
  specificExperts: 1,
  sharedExperts: 2,
  levels: 1,
  seed: 1,
};

/** A group of parameters every task's loss reaches (e.g. 'embedding', 'expert/0', 'bottom/1'). */
export interface SharedLayer {
  layer: string;
  variables: tf.Variable[];
}

export interface EmbeddingTableRef {
  /** 'shared' or the task's name. */
  label: string;
  /** The task whose slice it is; null for a table every task reads. */
  task: number | null;
  /** Concatenated over fields (rows = sum of cardinalities, fieldOffsets layout) x embeddingDim. */
  table: tf.Variable;
}

/** One forward pass of a model's shared part (SharedTrunk). */
export interface TrunkPass {
  /** What the task heads read of the shared part. */
  outputs: tf.Tensor2D[];
  /**
   * cotangents[k][j]: the gradient of task k's weighted loss with respect to outputs[j]. Returns,
   * per task, the gradient of every shared variable that loss reaches.
   */
  backward(cotangents: readonly (readonly tf.Tensor2D[])[]): Map<tf.Variable, tf.Tensor>[];
  /** Task k's head with a hand-written backward, where the model has one (else tfjs's tape runs SharedTrunk.head). */
  head?(k: number): HeadPass;
}

/** A task head run forward outside the tape, with its backward written out. */
export interface HeadPass {
  logits: tf.Tensor1D;
  /**
   * From d(w_k L_k)/d logits: the gradients of taskVariables[k], in order, and the cotangents of the
   * trunk's outputs (or of its first ones, where the head leaves the rest to the trunk's backward:
   * MMoE's on wasm take every task's experts' cotangents at once).
   */
  backward(dLogits: tf.Tensor1D): { own: tf.Tensor[]; cotangents: tf.Tensor2D[] };
}

/**
 * A model split where its shared part ends, so per-task gradients take one forward pass and one
 * backward pass for all tasks over the shared layers (taskGradients.ts).
 */
export interface SharedTrunk {
  forward(indices: tf.Tensor2D): TrunkPass;
  /** Task k's logits from the trunk's outputs: only task k's own parameters. */
  head(k: number, outputs: readonly tf.Tensor2D[]): tf.Tensor1D;
}

export interface MultiTaskModel {
  readonly config: MultiTaskConfig;
  readonly tasks: readonly string[];
  /** Shared layers, bottom to top. */
  readonly sharedVariables: SharedLayer[];
  /** Per task: parameters only that task's loss reaches (towers, gates, task experts and slices). */
  readonly taskVariables: tf.Variable[][];
  /** indices: batch x F int32 local indices. Logits per task, each of length batch. */
  forward(indices: tf.Tensor2D, training: boolean): tf.Tensor1D[];
  /** Where the model has one, per-task gradients come from one forward pass; else one pass per task. */
  readonly trunk?: SharedTrunk;
  embeddingTables(): EmbeddingTableRef[];
  dispose(): void;
}
