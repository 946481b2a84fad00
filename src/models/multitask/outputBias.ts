/**
 * Base-rate initialisation of each task's output bias: the logit log(p / (1 - p)) of the task's
 * positive rate on the training split, so every tower starts out predicting its task's base rate
 * instead of 50 % (TensorFlow's "Classification on imbalanced data" tutorial, "set the correct
 * initial bias"). Without it a rare task (3 % positives) spends its first hundreds of steps
 * learning its base rate, and those large, one-signed gradients flow through every shared layer:
 * the rare task then drives the shared parameters for reasons that have nothing to do with what
 * it has to learn.
 */
import * as tf from '@tensorflow/tfjs';
import type { CtrSplit } from '../../data/ctr/ctrDataset.ts';
import type { MultiTaskModel } from './types.ts';

/** Rates are clamped to [1e-4, 1 - 1e-4] so a task without positives (or negatives) keeps a finite bias. */
const RATE_FLOOR = 1e-4;

/** log(p / (1 - p)) of each task's positive rate on the split. */
export function baseRateLogits(split: CtrSplit, tasks: number): number[] {
  if (split.rows === 0) throw new RangeError('no rows to take the base rates from');
  return Array.from({ length: tasks }, (_, k) => {
    let positives = 0;
    for (let r = 0; r < split.rows; r++) positives += split.labels[r * tasks + k];
    const p = Math.min(1 - RATE_FLOOR, Math.max(RATE_FLOOR, positives / split.rows));
    return Math.log(p / (1 - p));
  });
}

/**
 * The bias of task k's logit: every model builds its tower head last among the task's variables
 * (blocks.ts tower(): MLP, then a 1-unit dense layer whose bias comes last).
 */
export function outputBias(model: MultiTaskModel, task: number): tf.Variable {
  const vars = model.taskVariables[task];
  const bias = vars?.[vars.length - 1];
  if (!bias || bias.size !== 1) throw new RangeError(`task ${task}'s last variable is not its 1-unit output bias`);
  return bias;
}

/** Sets every task's output bias to the given logit. */
export function setOutputBiases(model: MultiTaskModel, logits: readonly number[]): void {
  if (logits.length !== model.tasks.length) throw new RangeError(`${logits.length} biases for ${model.tasks.length} tasks`);
  tf.tidy(() => logits.forEach((b, k) => outputBias(model, k).assign(tf.fill([1], b))));
}
