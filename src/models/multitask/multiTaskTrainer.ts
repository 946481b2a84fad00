/**
 * Trains a multi-task model with one backward pass per task, Adam or AdaTask, and keeps the
 * diagnostics of SCIENCE.md sections 2-3: AU / rAU per shared layer, the T x T cosine of the
 * task gradients per shared layer and the per-field gradient entanglement on the shared
 * embedding, both for the last step.
 */
import * as tf from '@tensorflow/tfjs';
import { AuTracker, DEFAULT_AU_BETA, DEFAULT_RAU_BINS, layerDominance, type LayerDominance } from '../../analysis/taskDominance.ts';
import { cosineMatrix, meanRowCosine, touchedRows } from '../../analysis/gradientConflict.ts';
import { auc, groupAuc, logloss } from '../../data/ctr/auc.ts';
import { fieldOffsets, type CtrDataset, type CtrSplit } from '../../data/ctr/ctrDataset.ts';
import { createRng, permutation, type Rng, type RngState } from '../../data/ctr/prng.ts';
import { comparableMask, selectRows } from '../../data/mtl/comparable.ts';
import { DEFAULT_OPTIMIZER_HYPER, MultiTaskOptimizer, type MultiTaskOptimizerState } from './adaTask.ts';
import { type MultiTaskOptimizerKind } from '../../contracts/multitaskConfig.ts';
import { buildMultiTaskModel } from './buildMultiTaskModel.ts';
import { baseRateLogits, setOutputBiases } from './outputBias.ts';
import { sharedVariableList, taskGradients } from './taskGradients.ts';
import type { MultiTaskConfig, MultiTaskModel } from './types.ts';

export interface MultiTaskTrainerOptions {
  optimizer: MultiTaskOptimizerKind;
  lr: number;
  batchSize: number;
  /** AU decay (default 0.9). */
  beta?: number;
  /** Seeds the batch order (the model's weights are seeded by its config). */
  seed: number;
  /** Weight of each task's loss; default 1 each. */
  taskLossWeights?: readonly number[];
  epsilon?: number;
  /** Start each task's output bias at its training base rate (outputBias.ts); default true. */
  baseRateBias?: boolean;
}

export interface TaskMetrics {
  task: string;
  auc: number;
  logloss: number;
  /** NaN when the split has no groups. */
  gauc: number;
  rows: number;
  positives: number;
}

export interface LayerConflict {
  layer: string;
  /** T x T row-major cosine of the task gradients over the layer. */
  cosine: Float64Array;
}

export interface FieldEntanglement {
  field: string;
  /** Mean over the rows the batch touched of cos(g^A, g^B); NaN when no row got both gradients. */
  cosine: number;
}

export const MULTI_TASK_CHECKPOINT_VERSION = 1;

/**
 * Everything a multi-task trainer needs to continue exactly where it was: weights, the
 * optimiser's moments and step counter, every AU accumulator, the data order and the shuffling
 * PRNG's position. Plain arrays, so it survives structured clone and IndexedDB.
 */
export interface MultiTaskCheckpoint {
  version: typeof MULTI_TASK_CHECKPOINT_VERSION;
  epochs: number;
  shuffle: RngState;
  order: Int32Array;
  cursor: number;
  /** Shared variables, then task-specific ones, in the model's order. */
  variables: Float32Array[];
  optimizer: MultiTaskOptimizerState;
  /** Per shared variable: its AU per task, and the steps it has seen. */
  au: { steps: number; perTask: Float64Array[] }[];
}

export interface MultiTaskTrainer {
  readonly model: MultiTaskModel;
  readonly steps: number;
  readonly epochs: number;
  /** One optimiser step; returns each task's weighted training loss on the batch. */
  step(): { losses: number[] };
  evaluate(split: CtrSplit, options?: { comparableOnly?: boolean }): TaskMetrics[];
  /** Per shared layer: mean rAU per task, argmax shares, rAU histograms. */
  dominance(bins?: number): LayerDominance[];
  gradientConflict(): LayerConflict[];
  /** On the shared embedding, tasks a and b (default 0 and 1); empty for models without one. */
  gradientEntanglement(taskA?: number, taskB?: number): FieldEntanglement[];
  /** Everything needed to continue this run later (read between steps). */
  checkpoint(): MultiTaskCheckpoint;
  /** Continues from a checkpoint of the same model, optimiser, dataset and batch size (RangeError otherwise). */
  restore(checkpoint: MultiTaskCheckpoint): void;
  dispose(): void;
}

const EVAL_BATCH = 4096;

/** Logits of every task for every row of a split, as probabilities: [task][row]. */
export function predictSplit(model: MultiTaskModel, split: CtrSplit, fields: number): Float32Array[] {
  const T = model.tasks.length;
  const out = Array.from({ length: T }, () => new Float32Array(split.rows));
  for (let start = 0; start < split.rows; start += EVAL_BATCH) {
    const end = Math.min(split.rows, start + EVAL_BATCH);
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(split.indices.subarray(start * fields, end * fields), [end - start, fields], 'int32');
      return model.forward(x, false).map((l) => tf.sigmoid(l));
    });
    probs.forEach((p, k) => out[k].set(p.dataSync(), start));
    tf.dispose(probs);
  }
  return out;
}

export function evaluateModel(model: MultiTaskModel, split: CtrSplit, fields: number, comparableOnly = false): TaskMetrics[] {
  const data = comparableOnly ? selectRows(split, comparableMask(split)) : split;
  const T = model.tasks.length;
  const probs = predictSplit(model, data, fields);
  return model.tasks.map((task, k) => {
    const labels = Float32Array.from({ length: data.rows }, (_, r) => data.labels[r * T + k]);
    let positives = 0;
    for (let r = 0; r < labels.length; r++) positives += labels[r];
    return {
      task,
      auc: auc(probs[k], labels),
      logloss: logloss(probs[k], labels),
      gauc: data.groups ? groupAuc(probs[k], labels, data.groups) : NaN,
      rows: data.rows,
      positives,
    };
  });
}

export function createMultiTaskTrainer(dataset: CtrDataset, modelConfig: MultiTaskConfig, options: MultiTaskTrainerOptions): MultiTaskTrainer {
  const T = dataset.tasks.length;
  const F = dataset.fields.length;
  const train = dataset.train;
  if (train.rows === 0) throw new RangeError('the training split is empty');
  const weights = options.taskLossWeights ?? dataset.tasks.map(() => 1);
  if (weights.length !== T) throw new RangeError(`${weights.length} loss weights for ${T} tasks`);
  const model = buildMultiTaskModel(modelConfig, dataset.fields, dataset.tasks);
  if (options.baseRateBias ?? true) setOutputBiases(model, baseRateLogits(train, T));
  const shared = sharedVariableList(model);
  const specific = model.taskVariables.flat();
  const variables = [...shared, ...specific];
  const optimizer = new MultiTaskOptimizer(options.optimizer, shared, specific, T, {
    ...DEFAULT_OPTIMIZER_HYPER,
    lr: options.lr,
    ...(options.epsilon !== undefined ? { epsilon: options.epsilon } : {}),
  });
  const beta = options.beta ?? DEFAULT_AU_BETA;
  // AU of every shared variable per task, kept on the backend (float32) and read only when asked for:
  // reading every update back each step cost more than the step on a GPU and a third of it on wasm.
  // One flat tensor per task, laid out as the optimiser's flat updates (one kernel per operation).
  const layout = optimizer.sharedFlat;
  const au = Array.from({ length: T }, () => tf.tidy(() => tf.variable(tf.zeros([layout.total]), false)));
  let auSteps = 0;
  /** The AU so far as the analysis's trackers (read back now). */
  const trackers = (): AuTracker[] => {
    const flat = au.map((a) => a.dataSync() as Float32Array);
    return shared.map((v, i) => {
      const t = new AuTracker(v.size, T, beta);
      flat.forEach((a, k) => t.au[k].set(layout.partOf(a, i)));
      t.steps = auSteps;
      return t;
    });
  };
  const layerOf: number[] = model.sharedVariables.flatMap((l, i) => l.variables.map(() => i));
  const offsets = fieldOffsets(dataset.fields);
  const batchSize = Math.max(1, Math.min(options.batchSize, train.rows));

  const rng: Rng = createRng(options.seed);
  let order = permutation(train.rows, rng);
  let cursor = 0;
  let epochs = 0;
  /** The last step's per-task gradients of the shared variables, on the backend; read back (once) when a read-out asks. */
  let lastGradTensors: tf.Tensor[][] = [];
  let lastGradValues: Float32Array[][] | null = null;
  const lastGrads = (): Float32Array[][] => (lastGradValues ??= lastGradTensors.map((perVar) => perVar.map((t) => t.dataSync() as Float32Array)));
  const dropGrads = () => {
    tf.dispose(lastGradTensors.flat());
    lastGradTensors = [];
    lastGradValues = null;
  };
  let lastIndices: Int32Array = new Int32Array(0);

  const nextBatch = () => {
    if (cursor + batchSize > train.rows) {
      order = permutation(train.rows, rng);
      cursor = 0;
      epochs++;
    }
    const indices = new Int32Array(batchSize * F);
    const labels = new Float32Array(batchSize * T);
    // Element loops: a subarray per row allocated ~2k views a step.
    for (let b = 0; b < batchSize; b++) {
      const r = order[cursor + b];
      for (let j = 0; j < F; j++) indices[b * F + j] = train.indices[r * F + j];
      for (let k = 0; k < T; k++) labels[b * T + k] = train.labels[r * T + k];
    }
    cursor += batchSize;
    return { indices, labels, rows: batchSize };
  };

  return {
    model,
    get steps() {
      return optimizer.steps;
    },
    get epochs() {
      return epochs;
    },
    step() {
      const batch = nextBatch();
      dropGrads();
      const result = tf.tidy(() => {
        const x = tf.tensor2d(batch.indices, [batch.rows, F], 'int32');
        const y = tf.tensor2d(batch.labels, [batch.rows, T]);
        const g = taskGradients(model, x, y, weights);
        optimizer.applyTracking(g.shared, g.specific.flat(), au, beta);
        return { grads: g.shared, losses: tf.stack(g.losses) };
      });
      auSteps++;
      lastGradTensors = result.grads;
      lastIndices = batch.indices;
      // The losses: one small read per step (the run's curve).
      const losses = Array.from(result.losses.dataSync());
      result.losses.dispose();
      return { losses };
    },
    evaluate: (split, opts = {}) => evaluateModel(model, split, F, opts.comparableOnly ?? false),
    dominance(bins = DEFAULT_RAU_BINS) {
      const all = trackers();
      return model.sharedVariables.map((l, i) =>
        layerDominance(
          l.layer,
          all.filter((_, j) => layerOf[j] === i),
          bins,
        ),
      );
    },
    gradientConflict() {
      if (lastGradTensors.length === 0) return [];
      const grads = lastGrads();
      return model.sharedVariables.map((l, i) => {
        const members = layerOf.flatMap((layer, j) => (layer === i ? [j] : []));
        return { layer: l.layer, cosine: cosineMatrix(grads.map((perVar) => members.map((j) => perVar[j]))) };
      });
    },
    gradientEntanglement(taskA = 0, taskB = 1) {
      const layer = model.sharedVariables.findIndex((l) => l.layer === 'embedding');
      if (layer < 0 || lastGradTensors.length === 0) return [];
      const grads = lastGrads();
      const j = layerOf.indexOf(layer);
      const dim = shared[j].shape[1] as number;
      const rows = touchedRows(lastIndices, F, offsets);
      return dataset.fields.map((f, i) => ({ field: f.name, cosine: meanRowCosine(grads[taskA][j], grads[taskB][j], dim, rows[i]) }));
    },
    checkpoint() {
      return {
        version: MULTI_TASK_CHECKPOINT_VERSION,
        epochs,
        shuffle: rng.getState(),
        order: order.slice(),
        cursor,
        variables: variables.map((v) => Float32Array.from(v.dataSync())),
        optimizer: optimizer.exportState(),
        au: trackers().map((t) => ({ steps: t.steps, perTask: t.au })),
      };
    },
    restore(c) {
      if (c.version !== MULTI_TASK_CHECKPOINT_VERSION) throw new RangeError(`checkpoint version ${String(c.version)} is not ${MULTI_TASK_CHECKPOINT_VERSION}`);
      if (c.variables.length !== variables.length)
        throw new RangeError(`the checkpoint has ${c.variables.length} variables, the model ${variables.length}: another model`);
      c.variables.forEach((x, i) => {
        if (x.length !== variables[i].size) throw new RangeError(`variable ${i} has ${x.length} values in the checkpoint, ${variables[i].size} in the model`);
      });
      if (c.order.length !== train.rows)
        throw new RangeError(`the checkpoint shuffles ${c.order.length} training rows, the dataset has ${train.rows}: another dataset`);
      if (c.au.length !== shared.length || c.au.some((a, i) => a.perTask.length !== T || a.perTask.some((x) => x.length !== shared[i].size)))
        throw new RangeError('the checkpoint tracks AU for another model or task count');
      optimizer.importState(c.optimizer);
      tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(c.variables[i], v.shape))));
      const flat = au.map(() => new Float32Array(layout.total));
      c.au.forEach((v, i) => v.perTask.forEach((x, k) => layout.partOf(flat[k], i).set(x)));
      tf.tidy(() => au.forEach((a, k) => a.assign(tf.tensor1d(flat[k]))));
      auSteps = c.au[0]?.steps ?? 0;
      rng.setState(c.shuffle);
      order = c.order.slice();
      cursor = c.cursor;
      epochs = c.epochs;
      dropGrads();
      lastIndices = new Int32Array(0);
    },
    dispose() {
      dropGrads();
      tf.dispose(au);
      optimizer.dispose();
      model.dispose();
    },
  };
}
