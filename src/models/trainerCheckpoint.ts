/**
 * Everything a trainer needs to continue a run exactly where it was: weights, Adam's moments, the
 * progress counters and the positions of both PRNGs (data order and dropout). Plain typed arrays
 * and numbers, so it survives structured clone into a worker message and into IndexedDB.
 */
import type { RngState } from '../data/ctr/prng.ts';
import type { OptimizerState } from './optimizer.ts';

export const CHECKPOINT_VERSION = 1;

/** A trainer's progress counters (part of its checkpoint). */
export interface TrainerState {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  samplesSeen: number;
  lastLoss: number;
  /** NaN before the first validation. */
  bestValidAuc: number;
  bestStep: number;
  validationsSinceBest: number;
  stoppedEarly: boolean;
  /** All epochs run or stopped early. */
  done: boolean;
}

export interface TrainerCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  state: TrainerState;
  /** Shuffling PRNG, this epoch's row order and the position in it. */
  shuffle: RngState;
  order: Int32Array;
  cursor: number;
  dropout: RngState;
  /** The model's trainable variables, then its state variables, in the model's order. */
  variables: Float32Array[];
  /** The weights of the best validation so far (same order), null before one. */
  best: Float32Array[] | null;
  optimizer: OptimizerState;
}

/** Bytes the checkpoint's arrays take (what a save costs). */
export function checkpointBytes(c: TrainerCheckpoint): number {
  const arrays = [c.order, ...c.variables, ...(c.best ?? []), ...c.optimizer.moments.flatMap((m) => [m.m, m.v])];
  return arrays.reduce((n, a) => n + a.byteLength, 0);
}

/** Throws a RangeError naming the first mismatch between a checkpoint and the model it is restored into. */
export function checkCheckpointFits(c: TrainerCheckpoint, sizes: number[], trainRows: number, stepsPerEpoch: number): void {
  if (c.version !== CHECKPOINT_VERSION) throw new RangeError(`checkpoint version ${String(c.version)} is not ${CHECKPOINT_VERSION}`);
  if (c.variables.length !== sizes.length)
    throw new RangeError(`the checkpoint has ${c.variables.length} variables, the model ${sizes.length}: another model or configuration`);
  c.variables.forEach((v, i) => {
    if (v.length !== sizes[i]) throw new RangeError(`variable ${i} has ${v.length} values in the checkpoint, ${sizes[i]} in the model`);
  });
  if (c.best && c.best.length !== sizes.length) throw new RangeError('the checkpoint keeps best weights for another model');
  if (c.order.length !== trainRows)
    throw new RangeError(`the checkpoint shuffles ${c.order.length} training rows, the dataset has ${trainRows}: another dataset`);
  if (c.state.stepsPerEpoch !== stepsPerEpoch)
    throw new RangeError(`the checkpoint has ${c.state.stepsPerEpoch} steps per epoch, this run ${stepsPerEpoch}: another batch size`);
}
