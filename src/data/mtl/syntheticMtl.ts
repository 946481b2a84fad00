/**
 * Seeded synthetic multi-task data (user, item and side fields) where the tasks disagree on
 * purpose. Each task's logit is a first-order part (item popularity shared by the tasks, side
 * effects per task) plus a preference <u, i^k> between a user latent shared by the tasks and a
 * per-task item latent: task 0 uses a base latent s, task k > 0 uses rho_k s + sqrt(1 - rho_k^2) e_k
 * with e_k independent, so the preference scores of task 0 and task k correlate with rho_k over
 * (user, item) pairs. rho < 0 plants conflict pairs (one task likes what the other does not).
 * Label rates differ per task (a rare task next to a frequent one), and each task carries a loss
 * weight, so one task dominates the shared parameters by construction.
 */
import type { CtrDataset, CtrField } from '../ctr/ctrDataset.ts';
import { createRng, type Rng } from '../ctr/prng.ts';
import { splitRows, type SplitOptions } from '../ctr/split.ts';
import { standardize } from '../ctr/standardize.ts';
import { aliasTable, sampleAlias, zipfWeights } from '../ctr/zipf.ts';

export interface MtlTaskSpec {
  name: string;
  /** Mean positive rate of the task's label. */
  positiveRate: number;
  /** Weight of the task's loss in training (loss-scale imbalance); default 1. */
  lossWeight?: number;
}

export interface SyntheticMtlConfig {
  seed: number;
  rows: number;
  name?: string;
  /** Distinct users / items; defaults 1000 / 2000. */
  users?: number;
  items?: number;
  /** Side fields: the user's group, the item's category, a per-row context; defaults 20 / 50 / 8. */
  userGroups?: number;
  itemCategories?: number;
  contexts?: number;
  /** P(value of rank k) proportional to k^-zipfExponent for users, items and contexts; default 1.0. */
  zipfExponent?: number;
  /** Default: click at 30 %, like at 3 %. */
  tasks?: readonly MtlTaskSpec[];
  /** rho of each task k > 0 with task 0 (one number for all); default -0.3. */
  taskCorrelation?: number | readonly number[];
  /** Rank of the user and item latents; default 4. */
  latentRank?: number;
  /** Standard deviation over rows of each task's preference part of the logit; default 1.5. */
  preferenceStd?: number;
  /** Standard deviation over rows of each task's first-order part; default 0.7. */
  firstOrderStd?: number;
  split?: SplitOptions;
}

export const DEFAULT_MTL_TASKS: readonly MtlTaskSpec[] = [
  { name: 'click', positiveRate: 0.3, lossWeight: 1 },
  { name: 'like', positiveRate: 0.03, lossWeight: 1 },
];

export const MTL_FIELD_NAMES = ['user', 'item', 'user_group', 'item_category', 'context'] as const;
export const MTL_USER_FIELD = 0;
export const MTL_ITEM_FIELD = 1;

const DEFAULTS = {
  users: 1000,
  items: 2000,
  userGroups: 20,
  itemCategories: 50,
  contexts: 8,
  zipfExponent: 1.0,
  taskCorrelation: -0.3,
  latentRank: 4,
  preferenceStd: 1.5,
  firstOrderStd: 0.7,
} as const;

/** Per-task loss weights of a config (1 where not given). */
export function syntheticMtlLossWeights(config: Pick<SyntheticMtlConfig, 'tasks'>): number[] {
  return (config.tasks ?? DEFAULT_MTL_TASKS).map((t) => t.lossWeight ?? 1);
}

function normals(count: number, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The bias b with mean sigmoid(logit + b) = rate (bisection; the mean is increasing in b). */
function calibrateBias(logits: Float64Array, rate: number): number {
  let lo = -30;
  let hi = 30;
  for (let it = 0; it < 60; it++) {
    const b = (lo + hi) / 2;
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += sigmoid(logits[i] + b);
    if (sum / logits.length < rate) lo = b;
    else hi = b;
  }
  return (lo + hi) / 2;
}

function correlations(config: SyntheticMtlConfig, T: number): number[] {
  const rho = config.taskCorrelation ?? DEFAULTS.taskCorrelation;
  const list = typeof rho === 'number' ? Array.from({ length: T - 1 }, () => rho) : [...rho];
  if (list.length !== T - 1) throw new RangeError(`taskCorrelation needs ${T - 1} values (one per task after the first), got ${list.length}`);
  if (list.some((r) => !(r >= -1 && r <= 1))) throw new RangeError('every task correlation must lie in [-1, 1]');
  return [1, ...list];
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

export function generateSyntheticMtl(config: SyntheticMtlConfig): CtrDataset {
  const d = DEFAULTS;
  const N = positiveInt('rows', config.rows);
  const U = positiveInt('users', config.users ?? d.users);
  const I = positiveInt('items', config.items ?? d.items);
  const G = positiveInt('userGroups', config.userGroups ?? d.userGroups);
  const C = positiveInt('itemCategories', config.itemCategories ?? d.itemCategories);
  const X = positiveInt('contexts', config.contexts ?? d.contexts);
  const R = positiveInt('latentRank', config.latentRank ?? d.latentRank);
  const tasks = config.tasks ?? DEFAULT_MTL_TASKS;
  const T = tasks.length;
  if (T < 2) throw new RangeError('a multi-task dataset needs at least two tasks');
  if (tasks.some((t) => !(t.positiveRate > 0 && t.positiveRate < 1))) throw new RangeError('every positiveRate must lie in (0, 1)');
  const rho = correlations(config, T);

  // Ground truth and rows draw from separate streams: the truth does not depend on the row count.
  const truth = createRng(config.seed);
  const rowRng = createRng((config.seed ^ 0x5bd1e995) >>> 0);

  const userGroup = Int32Array.from({ length: U }, () => truth.int(G));
  const itemCategory = Int32Array.from({ length: I }, () => truth.int(C));
  const userLatent = normals(U * R, truth);
  const baseItem = normals(I * R, truth);
  const itemLatent: Float64Array[] = rho.map((r, k) => {
    if (k === 0) return baseItem;
    const own = normals(I * R, truth);
    const out = new Float64Array(I * R);
    const c = Math.sqrt(1 - r * r);
    for (let i = 0; i < out.length; i++) out[i] = r * baseItem[i] + c * own[i];
    return out;
  });
  const itemPopularity = normals(I, truth);
  const sideWeights = tasks.map(() => ({ group: normals(G, truth), category: normals(C, truth), context: normals(X, truth) }));

  // Rows: 0-based entity ids; stored indices are id + 1 (0 is the OOV slot).
  const F = MTL_FIELD_NAMES.length;
  const users = new Int32Array(N);
  const items = new Int32Array(N);
  const contexts = new Int32Array(N);
  const zipf = config.zipfExponent ?? d.zipfExponent;
  const userTable = aliasTable(zipfWeights(U, zipf));
  const itemTable = aliasTable(zipfWeights(I, zipf));
  const contextTable = aliasTable(zipfWeights(X, zipf));
  for (let r = 0; r < N; r++) users[r] = sampleAlias(userTable, rowRng.next());
  for (let r = 0; r < N; r++) items[r] = sampleAlias(itemTable, rowRng.next());
  for (let r = 0; r < N; r++) contexts[r] = sampleAlias(contextTable, rowRng.next());
  const indices = new Int32Array(N * F);
  for (let r = 0; r < N; r++) {
    const o = r * F;
    indices[o] = users[r] + 1;
    indices[o + 1] = items[r] + 1;
    indices[o + 2] = userGroup[users[r]] + 1;
    indices[o + 3] = itemCategory[items[r]] + 1;
    indices[o + 4] = contexts[r] + 1;
  }

  const trueProbabilities = new Float32Array(N * T);
  const labels = new Float32Array(N * T);
  const logit = new Float64Array(N);
  const preference = new Float64Array(N);
  const scale = 1 / Math.sqrt(R);
  for (let k = 0; k < T; k++) {
    const latent = itemLatent[k];
    const side = sideWeights[k];
    for (let r = 0; r < N; r++) {
      const u = users[r] * R;
      const i = items[r] * R;
      let dot = 0;
      for (let j = 0; j < R; j++) dot += userLatent[u + j] * latent[i + j];
      preference[r] = dot * scale;
      logit[r] = itemPopularity[items[r]] + side.group[userGroup[users[r]]] + side.category[itemCategory[items[r]]] + side.context[contexts[r]];
    }
    standardize(preference, config.preferenceStd ?? d.preferenceStd);
    standardize(logit, config.firstOrderStd ?? d.firstOrderStd);
    for (let r = 0; r < N; r++) logit[r] += preference[r];
    const bias = calibrateBias(logit, tasks[k].positiveRate);
    for (let r = 0; r < N; r++) {
      const p = sigmoid(logit[r] + bias);
      trueProbabilities[r * T + k] = p;
      labels[r * T + k] = rowRng.next() < p ? 1 : 0;
    }
  }

  const groups = Int32Array.from(users);
  const cards = [U, I, G, C, X];
  const fields: CtrField[] = MTL_FIELD_NAMES.map((name, f) => ({ name, cardinality: cards[f] + 1 }));
  const split = splitRows({ rows: N, fieldCount: F, taskCount: T, indices, labels, trueProbabilities, groups }, { seed: config.seed, ...config.split });
  return {
    name: config.name ?? `synthetic-mtl-${N}r-seed${config.seed}`,
    origin: `synthetic:${config.seed}`,
    fields,
    tasks: tasks.map((t) => t.name),
    ...split,
  };
}
