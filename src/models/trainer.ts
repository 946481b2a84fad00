/**
 * Mini-batch training of one CTR model on a CtrDataset, with scheduled validation, early stopping
 * on validation AUC and live read-outs of the embedding tables (raw values, per-field spectra,
 * DCNv2 interaction collapse). Every step runs inside tf.tidy; nothing leaks per step.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldResult } from '../contracts/tables.ts';
import { auc, groupAuc, logloss } from '../data/ctr/auc.ts';
import type { CtrDataset, CtrSplit } from '../data/ctr/ctrDataset.ts';
import { createRng, permutation } from '../data/ctr/prng.ts';
import { buildModel } from './buildModel.ts';
import { interactionCollapse, type InteractionCollapse } from './interactionCollapse.ts';
import { createOptimizer } from './optimizer.ts';
import { sigmoidCrossEntropy } from './sigmoidCrossEntropy.ts';
import { checkCheckpointFits, CHECKPOINT_VERSION, type TrainerCheckpoint, type TrainerState } from './trainerCheckpoint.ts';
import { tableSpectrum } from './tableSpectrum.ts';
import type { RecModel } from './types.ts';
import type { ModelConfig, TrainConfig } from '../contracts/modelConfig.ts';

export interface StepResult {
  /** Steps done so far, this one included. */
  step: number;
  /** Completed epochs after this step. */
  epoch: number;
  /** Mean BCE of this mini-batch (before the update). */
  loss: number;
}

export interface EvalResult {
  auc: number;
  logloss: number;
  /** Grouped AUC when the split has groups. */
  gauc?: number;
  rows: number;
}

export interface Validation extends EvalResult {
  step: number;
  epoch: number;
}

export interface RunResult {
  steps: number;
  /** Each step's mini-batch loss, in order. */
  losses: Float32Array;
  meanLoss: number;
  lastLoss: number;
  validations: Validation[];
}

export interface EmbeddingSnapshot {
  set: number;
  /** rows x dim, row-major, fieldOffsets layout. */
  table: Float32Array;
  rows: number;
  dim: number;
  fieldDims: number[];
}

export interface Trainer {
  readonly model: RecModel;
  readonly dataset: CtrDataset;
  readonly config: TrainConfig;
  /** A copy of the progress counters. */
  readonly state: TrainerState;
  /** One optimisation step on the next mini-batch; reads its loss back synchronously. */
  step(): StepResult;
  /** Up to n steps (fewer when training ends), validating on schedule; losses read back once. */
  runSteps(n: number): Promise<RunResult>;
  evaluate(split: 'valid' | 'test'): Promise<EvalResult>;
  embeddingSnapshot(): Promise<EmbeddingSnapshot[]>;
  /** Per set, per field: the RecScope spectrum of the live tables. */
  spectrumSnapshot(): Promise<FieldResult[][]>;
  /** DCNv2 only: the interaction-collapse matrix of embedding set `set` (default 0). */
  interactionCollapse(set?: number): Promise<InteractionCollapse>;
  /** Puts back the weights of the best validation so far (test metrics at the early-stop point). */
  restoreBest(): void;
  /** Everything needed to continue this run later. Call between steps; step only once it resolves. */
  checkpoint(): Promise<TrainerCheckpoint>;
  /** Continues from a checkpoint of the same model, dataset and batch size (RangeError otherwise). */
  resume(checkpoint: TrainerCheckpoint): Promise<void>;
  dispose(): void;
}

function checkTrainConfig(c: TrainConfig): void {
  for (const [name, v] of [
    ['batchSize', c.batchSize],
    ['epochs', c.epochs],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  for (const [name, v] of [
    ['earlyStopPatience', c.earlyStopPatience],
    ['evalEvery', c.evalEvery],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${v}`);
  }
  if (!(c.lr > 0)) throw new RangeError(`lr must be positive, got ${c.lr}`);
  if (!(c.weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${c.weightDecay}`);
}

/** Labels of the first task, one per row. */
function firstTaskLabels(split: CtrSplit, tasks: number): Float32Array {
  if (tasks === 1) return split.labels;
  return Float32Array.from({ length: split.rows }, (_, r) => split.labels[r * tasks]);
}

export function createTrainer(dataset: CtrDataset, modelConfig: ModelConfig, train: TrainConfig): Trainer {
  checkTrainConfig(train);
  if (dataset.train.rows === 0) throw new RangeError('the training split is empty');
  const fields = dataset.fields;
  const f = fields.length;
  const tasks = dataset.tasks.length;
  const model = buildModel(modelConfig, fields);
  const optimizer = createOptimizer(train.lr, train.weightDecay);
  const rng = createRng(train.seed);
  const trainLabels = firstTaskLabels(dataset.train, tasks);
  // Constant-size batches (the remainder of an epoch is dropped): no BatchNorm batch of one row,
  // and one shape for WebGL/WebGPU to compile for.
  const batch = Math.min(train.batchSize, dataset.train.rows);
  const stepsPerEpoch = Math.floor(dataset.train.rows / batch);
  const batchIndices = new Int32Array(batch * f);
  const batchLabels = new Float32Array(batch);
  let order = permutation(dataset.train.rows, rng);
  let cursor = 0;
  let best: tf.Tensor[] | null = null;
  let disposed = false;
  const s: TrainerState = {
    epoch: 0,
    step: 0,
    stepsPerEpoch,
    samplesSeen: 0,
    lastLoss: NaN,
    bestValidAuc: NaN,
    bestStep: -1,
    validationsSinceBest: 0,
    stoppedEarly: false,
    done: false,
  };
  const variables = [...model.trainableVariables, ...model.stateVariables];

  const fillBatch = (): void => {
    const src = dataset.train.indices;
    for (let b = 0; b < batch; b++) {
      const r = order[cursor + b];
      batchIndices.set(src.subarray(r * f, r * f + f), b * f);
      batchLabels[b] = trainLabels[r];
    }
    cursor += batch;
  };

  /** One update; returns the loss scalar (caller disposes). */
  const stepTensor = (): tf.Scalar => {
    if (disposed) throw new Error('the trainer is disposed');
    if (s.done) throw new Error('training is finished');
    fillBatch();
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(batchIndices, [batch, f], 'int32');
      const y = tf.tensor1d(batchLabels);
      return optimizer.minimize(() => sigmoidCrossEntropy(y, model.forward(x, true)), model.trainableVariables);
    });
    s.step++;
    s.samplesSeen += batch;
    if (cursor + batch > dataset.train.rows) {
      s.epoch++;
      cursor = 0;
      order = permutation(dataset.train.rows, rng);
      if (s.epoch >= train.epochs) s.done = true;
    }
    return loss;
  };

  const evaluate = async (which: 'valid' | 'test'): Promise<EvalResult> => {
    const split = dataset[which];
    const labels = firstTaskLabels(split, tasks);
    const scores = new Float32Array(split.rows);
    const evalBatch = 4 * train.batchSize;
    for (let start = 0; start < split.rows; start += evalBatch) {
      const n = Math.min(evalBatch, split.rows - start);
      const p = tf.tidy(() => {
        const x = tf.tensor2d(split.indices.subarray(start * f, (start + n) * f), [n, f], 'int32');
        return tf.sigmoid(model.forward(x, false));
      });
      try {
        scores.set(await p.data(), start);
      } finally {
        p.dispose();
      }
    }
    const result: EvalResult = { auc: auc(scores, labels), logloss: logloss(scores, labels), rows: split.rows };
    if (split.groups) result.gauc = groupAuc(scores, labels, split.groups);
    return result;
  };

  const validate = async (): Promise<Validation> => {
    const v = await evaluate('valid');
    // A NaN AUC (one class only) never counts as better; any number beats no best yet.
    const better = !Number.isNaN(v.auc) && (Number.isNaN(s.bestValidAuc) || v.auc > s.bestValidAuc);
    if (better) {
      // Better (or the first): keep these weights. Clones share data with the variables until
      // the optimizer assigns new values, so this costs one table's memory only once it moves.
      if (best) tf.dispose(best);
      best = variables.map((x) => tf.clone(x));
      s.bestValidAuc = v.auc;
      s.bestStep = s.step;
      s.validationsSinceBest = 0;
    } else {
      s.validationsSinceBest++;
      if (train.earlyStopPatience > 0 && s.validationsSinceBest >= train.earlyStopPatience) {
        s.stoppedEarly = true;
        s.done = true;
      }
    }
    return { ...v, step: s.step, epoch: s.epoch };
  };

  return {
    model,
    dataset,
    config: train,
    get state() {
      return { ...s };
    },
    step() {
      const loss = stepTensor();
      s.lastLoss = loss.dataSync()[0];
      loss.dispose();
      return { step: s.step, epoch: s.epoch, loss: s.lastLoss };
    },
    async runSteps(n) {
      const losses: tf.Scalar[] = [];
      const validations: Validation[] = [];
      try {
        while (losses.length < n && !s.done) {
          const epochBefore = s.epoch;
          losses.push(stepTensor());
          const due = train.evalEvery > 0 ? s.step % train.evalEvery === 0 : s.epoch > epochBefore;
          if (due) validations.push(await validate());
        }
        if (losses.length === 0) return { steps: 0, losses: new Float32Array(0), meanLoss: NaN, lastLoss: s.lastLoss, validations };
        const values = tf.tidy(() => tf.stack(losses));
        const read = (await values.data()) as Float32Array;
        values.dispose();
        s.lastLoss = read[read.length - 1];
        return { steps: read.length, losses: read, meanLoss: read.reduce((a, b) => a + b, 0) / read.length, lastLoss: s.lastLoss, validations };
      } finally {
        tf.dispose(losses);
      }
    },
    evaluate,
    async embeddingSnapshot() {
      const fieldDims = fields.map((x) => x.cardinality);
      return Promise.all(
        model.embeddingTables.map(async (t, set) => {
          // A clone pins the current values even if a step assigns new ones meanwhile.
          const c = tf.clone(t);
          try {
            return { set, table: (await c.data()) as Float32Array, rows: t.shape[0] as number, dim: t.shape[1] as number, fieldDims };
          } finally {
            c.dispose();
          }
        }),
      );
    },
    async spectrumSnapshot() {
      const results: FieldResult[][] = [];
      for (const t of model.embeddingTables) {
        const c = tf.clone(t) as tf.Tensor2D;
        try {
          results.push(await tableSpectrum(c, fields));
        } finally {
          c.dispose();
        }
      }
      return results;
    },
    async interactionCollapse(set = 0) {
      if (!model.crossWeights) throw new Error(`interaction collapse needs DCNv2 cross weights; this is ${modelConfig.kind}`);
      const table = model.embeddingTables[set];
      if (!table) throw new RangeError(`no embedding set ${set}`);
      const [t, w] = [tf.clone(table), tf.clone(model.crossWeights(set))] as tf.Tensor2D[];
      try {
        return await interactionCollapse(t, w, fields);
      } finally {
        tf.dispose([t, w]);
      }
    },
    restoreBest() {
      if (!best) throw new Error('no validation with a valid AUC has run yet');
      const saved = best;
      variables.forEach((v, i) => v.assign(saved[i]));
    },
    async checkpoint() {
      const read = (xs: tf.Tensor[]) => Promise.all(xs.map(async (x) => Float32Array.from(await x.data())));
      return {
        version: CHECKPOINT_VERSION,
        state: { ...s },
        shuffle: rng.getState(),
        order: order.slice(),
        cursor,
        dropout: model.dropoutRng.getState(),
        variables: await read(variables),
        best: best ? await read(best) : null,
        optimizer: await optimizer.exportState(model.trainableVariables),
      };
    },
    async resume(c) {
      checkCheckpointFits(
        c,
        variables.map((v) => v.size),
        dataset.train.rows,
        stepsPerEpoch,
      );
      const load = (values: Float32Array[]) => values.map((x, i) => tf.tensor(x, variables[i].shape));
      const current = load(c.variables);
      variables.forEach((v, i) => v.assign(current[i]));
      tf.dispose(current);
      if (best) tf.dispose(best);
      best = c.best ? load(c.best) : null;
      await optimizer.importState(c.optimizer, model.trainableVariables);
      Object.assign(s, c.state);
      rng.setState(c.shuffle);
      model.dropoutRng.setState(c.dropout);
      order = c.order.slice();
      cursor = c.cursor;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (best) tf.dispose(best);
      optimizer.dispose();
      model.dispose();
    },
  };
}
