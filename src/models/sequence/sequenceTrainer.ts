/**
 * Trains one behaviour-sequence model (sequenceModel.ts) with sigmoid BCE and Adam, and exposes what
 * section 4's read-outs need: test AUC / logloss / gAUC by user, the per-sample attention scores over
 * the history, the tables attention reads (category, position), the search stage's measured time
 * per batch, and for a coupled model with `observeGradients` the attention and representation
 * gradients of every category row a step touched. Each step runs inside tf.tidy; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { rowGradientStats, touchedIds, type RoleGradientObservation } from '../../analysis/attentionRepresentationGradients.ts';
import type { SequenceDataset, SequenceModelKind, SequenceSamples, SequenceTrainSettings } from '../../contracts/sequence.ts';
import { auc, groupAuc, logloss } from '../../data/ctr/auc.ts';
import { createRng, permutation, type RngState } from '../../data/ctr/prng.ts';
import { bceWithLogits } from '../multitask/taskGradients.ts';
import { ExplicitAdam, type AdamState } from './adam.ts';
import { arraysAreCheap } from './arrayBackends.ts';
import { gatherBatch, keptHistory, type SequenceBatch } from './sequenceBatch.ts';
import { createSequenceModel, DEFAULT_SEQUENCE_HIDDEN, isCoupled, type SequenceModel } from './sequenceModel.ts';

export interface SequenceTrainerOptions {
  /** Hidden widths of the MLP head (default 64, 32). */
  hidden?: readonly number[];
  /** Coupled models: observe the attention and representation gradients (trains the same model). */
  observeGradients?: boolean;
  /** Observe every this many steps (default 1). */
  observeEvery?: number;
  /** Also read the item table's rows back (every touched item, each observed step); default false. */
  observeItems?: boolean;
  /** Run the search stage as tensor ops on every backend (default: on arrays on cpu and wasm, searchStage.ts). */
  tensorSearch?: boolean;
  /** Run target attention as tensor ops on every backend (default: on arrays on cpu and wasm, fusedAttention.ts). */
  tensorAttention?: boolean;
}

export interface SequenceStep {
  step: number;
  epoch: number;
  /** Mean BCE of the batch before the update. */
  loss: number;
  /** Measured time of this batch's search stage; NaN without one. */
  searchMs: number;
}

export interface SequenceMetrics {
  auc: number;
  logloss: number;
  /** AUC within each user, weighted by rows; NaN when no user has both labels. */
  gauc: number;
  rows: number;
  positives: number;
}

export interface TableSnapshot {
  /** rows x dim, row-major; row 0 = padding (or, for positions, the target). */
  values: Float32Array;
  rows: number;
  dim: number;
}

export interface SequenceTables {
  kind: SequenceModelKind;
  /** The category table attention reads (DARE: its attention table). */
  attentionCategory: TableSnapshot;
  /** The category table the pooled representation reads (the same values for a coupled model). */
  representationCategory: TableSnapshot;
  /** Target-relative positions 0..historyLength (row 0 = the target). */
  position: TableSnapshot;
}

/** Observed gradients of the coupled tables since the previous read-out. */
export interface SequenceGradientObservations {
  category: RoleGradientObservation[];
  /** Empty unless `observeItems`. */
  item: RoleGradientObservation[];
}

export const SEQUENCE_CHECKPOINT_VERSION = 1;

export interface SequenceCheckpoint {
  version: typeof SEQUENCE_CHECKPOINT_VERSION;
  kind: SequenceModelKind;
  epochs: number;
  shuffle: RngState;
  order: Int32Array;
  cursor: number;
  variables: Float32Array[];
  optimizer: AdamState;
  search: { ms: number; batches: number };
}

export interface SequenceTrainer {
  readonly model: SequenceModel;
  readonly settings: SequenceTrainSettings;
  readonly steps: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** settings.epochs x stepsPerEpoch. */
  readonly totalSteps: number;
  readonly parameters: number;
  /** Mean measured search-stage time per training batch so far; NaN without a search stage. */
  readonly searchMsPerBatch: number;
  step(): SequenceStep;
  evaluate(samples: SequenceSamples): SequenceMetrics;
  /** Attention logits (the search stage's scores) over each sample's kept history, oldest first. */
  attentionScores(samples: SequenceSamples, start?: number, count?: number): Float32Array[];
  tables(): SequenceTables;
  /** Drains what was observed since the last call (empty unless observing a coupled model). */
  gradientObservations(): SequenceGradientObservations;
  checkpoint(): SequenceCheckpoint;
  /** Continues from a checkpoint of the same model, dataset and batch size (RangeError otherwise). */
  restore(checkpoint: SequenceCheckpoint): void;
  dispose(): void;
}

const EVAL_BATCH = 512;

function checkSettings(s: SequenceTrainSettings): void {
  for (const [name, v] of [
    ['batchSize', s.batchSize],
    ['epochs', s.epochs],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
}

/** One lr for every variable, or (settings.tableLrScale) each table's own multiple of it. */
function learningRates(model: SequenceModel, settings: SequenceTrainSettings): number | number[] {
  const scale = settings.tableLrScale;
  if (!scale) return settings.lr;
  for (const [name, v] of Object.entries(scale)) if (!(v > 0)) throw new RangeError(`tableLrScale.${name} must be positive, got ${v}`);
  const of = new Map<tf.Variable, number>();
  for (const name of ['item', 'category'] as const)
    for (const role of ['attention', 'representation'] as const) of.set(model.table(name, role), scale[name] ?? 1);
  if (!isCoupled(settings.model))
    for (const name of ['item', 'category'] as const) of.set(model.table(name, 'attention'), (scale[name] ?? 1) * (scale.attention ?? 1));
  for (const t of model.coupled) {
    of.set(t.attention, scale[t.name] ?? 1);
    of.set(t.representation, scale[t.name] ?? 1);
  }
  of.set(model.positionTable, scale.position ?? 1);
  return model.variables.map((v) => settings.lr * (of.get(v) ?? 1));
}

export function createSequenceTrainer(dataset: SequenceDataset, settings: SequenceTrainSettings, options: SequenceTrainerOptions = {}): SequenceTrainer {
  checkSettings(settings);
  const train = dataset.train;
  if (train.count === 0) throw new RangeError('the training split is empty');
  const observeEvery = options.observeEvery ?? 1;
  if (!Number.isInteger(observeEvery) || observeEvery < 1) throw new RangeError(`observeEvery must be a positive integer, got ${observeEvery}`);
  const L = settings.historyLength;
  const model = createSequenceModel({
    kind: settings.model,
    dim: settings.dim,
    attentionDim: settings.model === 'dare' ? settings.attentionDim : settings.dim,
    topK: settings.topK,
    historyLength: L,
    itemVocabulary: dataset.itemVocabulary,
    categoryVocabulary: dataset.categoryVocabulary,
    hidden: options.hidden ?? DEFAULT_SEQUENCE_HIDDEN,
    seed: settings.seed,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
    observeGradients: (options.observeGradients ?? false) && isCoupled(settings.model),
    tensorAttention: options.tensorAttention ?? false,
  });
  const variables = model.variables;
  const optimizer = new ExplicitAdam(variables, learningRates(model, settings), settings.weightDecay ?? 0);
  const batchSize = Math.min(settings.batchSize, train.count);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const rng = createRng(settings.seed ^ 0x5eed);
  let order = permutation(train.count, rng);
  let cursor = 0;
  let epochs = 0;
  const search = { ms: 0, batches: 0 };
  let observed: SequenceGradientObservations = { category: [], item: [] };

  /** The one training batch, refilled every step (its arrays live only within step()). */
  let reused: SequenceBatch | undefined;
  const nextBatch = (): SequenceBatch => {
    if (cursor + batchSize > train.count) {
      order = permutation(train.count, rng);
      cursor = 0;
      epochs++;
    }
    const b = (reused = gatherBatch(train, L, order, cursor, batchSize, reused));
    cursor += batchSize;
    return b;
  };

  /**
   * The search stage's columns: on cpu and wasm the fused pass over the batch's arrays
   * (searchStage.ts), elsewhere (webgl, webgpu: no table read-backs) the tensor version.
   */
  const searchColumns = (batch: SequenceBatch, x: ReturnType<SequenceModel['inputs']>): tf.Tensor2D | null => {
    if (!model.searches) return null;
    if ((options.tensorSearch ?? false) || !arraysAreCheap()) return model.search(x);
    return tf.tensor2d(model.searchBatch(batch)!, [batch.rows, model.config.topK], 'int32');
  };

  /** The search stage, timed (its indices are read back, so the time is the stage's own). */
  const timedSearch = (batch: SequenceBatch, x: ReturnType<SequenceModel['inputs']>): { picked: tf.Tensor2D | null; ms: number } => {
    if (!model.searches) return { picked: null, ms: NaN };
    const t0 = performance.now();
    const picked = searchColumns(batch, x)!;
    picked.dataSync();
    return { picked, ms: performance.now() - t0 };
  };

  const observe = (step: number, grads: tf.NamedTensorMap, batch: SequenceBatch): void => {
    for (const table of model.coupled) {
      if (table.name === 'item' && !(options.observeItems ?? false)) continue;
      const ids = touchedIds(table.name === 'category' ? [...batch.targetCategories, ...batch.histCategories] : [...batch.targetItems, ...batch.histItems]);
      if (ids.length === 0) continue;
      const [ga, gr] = tf.tidy(() => {
        const rows = tf.tensor1d(ids, 'int32');
        return [tf.gather(grads[table.attention.name], rows).dataSync(), tf.gather(grads[table.representation.name], rows).dataSync()];
      });
      observed[table.name].push(rowGradientStats(step, ga, gr, table.attention.shape[1] as number, ids));
    }
  };

  const evaluate = (samples: SequenceSamples): SequenceMetrics => {
    const probs = new Float32Array(samples.count);
    for (let start = 0; start < samples.count; start += EVAL_BATCH) {
      const rows = Math.min(EVAL_BATCH, samples.count - start);
      const batch = gatherBatch(samples, L, null, start, rows);
      const p = tf.tidy(() => {
        const x = model.inputs(batch);
        return tf.sigmoid(model.forward(x, searchColumns(batch, x)));
      });
      probs.set(p.dataSync(), start);
      p.dispose();
    }
    let positives = 0;
    for (let i = 0; i < samples.count; i++) positives += samples.labels[i];
    return {
      auc: auc(probs, samples.labels),
      logloss: logloss(probs, samples.labels),
      gauc: groupAuc(probs, samples.labels, samples.users),
      rows: samples.count,
      positives,
    };
  };

  const snapshot = (v: tf.Variable): TableSnapshot => ({ values: Float32Array.from(v.dataSync()), rows: v.shape[0] as number, dim: v.shape[1] as number });

  return {
    model,
    settings,
    get steps() {
      return optimizer.steps;
    },
    get epochs() {
      return epochs;
    },
    stepsPerEpoch,
    totalSteps: stepsPerEpoch * settings.epochs,
    parameters: model.parameterCount,
    get searchMsPerBatch() {
      return search.batches > 0 ? search.ms / search.batches : NaN;
    },
    step() {
      const batch = nextBatch();
      const step = optimizer.steps + 1;
      let searchMs = NaN;
      const loss = tf.tidy(() => {
        const x = model.inputs(batch);
        const s = timedSearch(batch, x);
        searchMs = s.ms;
        const y = tf.tensor1d(batch.labels);
        const { value, grads } = tf.variableGrads(() => bceWithLogits(model.forward(x, s.picked), y), variables);
        if (model.coupled.length > 0) {
          if (step % observeEvery === 0) observe(step, grads, batch);
          for (const t of model.coupled) {
            const sum = tf.add(grads[t.attention.name], grads[t.representation.name]);
            grads[t.attention.name] = sum;
            grads[t.representation.name] = sum;
          }
        }
        optimizer.apply(variables.map((v) => grads[v.name] ?? tf.zerosLike(v)));
        return value.dataSync()[0];
      });
      if (!Number.isNaN(searchMs)) {
        search.ms += searchMs;
        search.batches++;
      }
      return { step, epoch: epochs, loss, searchMs };
    },
    evaluate,
    attentionScores(samples, start = 0, count = samples.count - start) {
      if (start < 0 || count < 0 || start + count > samples.count) throw new RangeError(`samples ${start}..${start + count} are outside 0..${samples.count}`);
      const out: Float32Array[] = [];
      for (let from = start; from < start + count; from += EVAL_BATCH) {
        const rows = Math.min(EVAL_BATCH, start + count - from);
        const batch = gatherBatch(samples, L, null, from, rows);
        const scores = tf.tidy(() => model.historyScores(model.inputs(batch)));
        const values = scores.dataSync();
        scores.dispose();
        for (let r = 0; r < rows; r++) {
          const kept = keptHistory(samples, from + r, L);
          out.push(Float32Array.from(values.subarray((r + 1) * L - kept, (r + 1) * L)));
        }
      }
      return out;
    },
    tables: () => ({
      kind: settings.model,
      attentionCategory: snapshot(model.table('category', 'attention')),
      representationCategory: snapshot(model.table('category', 'representation')),
      position: snapshot(model.positionTable),
    }),
    gradientObservations() {
      const o = observed;
      observed = { category: [], item: [] };
      return o;
    },
    checkpoint: () => ({
      version: SEQUENCE_CHECKPOINT_VERSION,
      kind: settings.model,
      epochs,
      shuffle: rng.getState(),
      order: order.slice(),
      cursor,
      variables: variables.map((v) => Float32Array.from(v.dataSync())),
      optimizer: optimizer.exportState(),
      search: { ...search },
    }),
    restore(c) {
      if (c.version !== SEQUENCE_CHECKPOINT_VERSION) throw new RangeError(`checkpoint version ${String(c.version)} is not ${SEQUENCE_CHECKPOINT_VERSION}`);
      if (c.kind !== settings.model) throw new RangeError(`the checkpoint is of a ${c.kind} model, this run trains ${settings.model}`);
      if (c.variables.length !== variables.length)
        throw new RangeError(`the checkpoint has ${c.variables.length} variables, the model ${variables.length}: another model`);
      c.variables.forEach((x, i) => {
        if (x.length !== variables[i].size) throw new RangeError(`variable ${i} has ${x.length} values in the checkpoint, ${variables[i].size} in the model`);
      });
      if (c.order.length !== train.count)
        throw new RangeError(`the checkpoint shuffles ${c.order.length} training samples, the dataset has ${train.count}: another dataset`);
      if (!(c.cursor >= 0 && c.cursor <= train.count)) throw new RangeError(`the checkpoint's cursor ${c.cursor} is outside 0..${train.count}`);
      optimizer.importState(c.optimizer);
      tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(c.variables[i], v.shape))));
      rng.setState(c.shuffle);
      order = c.order.slice();
      cursor = c.cursor;
      epochs = c.epochs;
      search.ms = c.search.ms;
      search.batches = c.search.batches;
      observed = { category: [], item: [] };
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}
