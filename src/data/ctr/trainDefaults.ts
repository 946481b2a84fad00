/**
 * The training defaults of a built-in dataset: what the Train tab, the CLI and the experiments
 * start from when that dataset is chosen. index.json stores them per dataset (`trainDefaults`),
 * chosen by `npm run experiment:sweep`, with optional per-model overrides; a dataset without them
 * (a dropped file, a sample) gets the studio's general defaults. The published Multi-Embedding
 * setup (Adam 1e-3, weight decay 1e-6, batch 2048) stays a preset: PUBLISHED_TRAIN_DEFAULTS.
 */
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, MODEL_KINDS, type ModelKind } from '../../contracts/modelConfig.ts';

/** Everything a dataset's defaults set: the optimiser, the schedule, and the regularisation. */
export interface TrainDefaults {
  lr: number;
  batchSize: number;
  /** Upper bound on epochs; early stopping may end a run sooner. */
  epochs: number;
  /** Validate every this many steps; 0 = at the end of every epoch. */
  evalEvery: number;
  /** Validations without a better valid AUC before stopping; 0 = never stop early. */
  patience: number;
  weightDecay: number;
  dropout: number;
  /** Hidden widths of the MLP, e.g. [64, 32]. */
  mlp: number[];
  /** Base embedding dim. */
  dim: number;
}

/** index.json's `trainDefaults`: the dataset's defaults, and per model what differs. */
export interface DatasetTrainDefaults extends Partial<TrainDefaults> {
  models?: Partial<Record<ModelKind, Partial<TrainDefaults>>>;
}

/** The studio's defaults for a dataset that states none (a dropped file, a sample): small and quick. */
export const GENERAL_TRAIN_DEFAULTS: TrainDefaults = {
  lr: 3e-3,
  batchSize: 256,
  epochs: 10,
  evalEvery: 0,
  patience: 2,
  weightDecay: 1e-6,
  dropout: 0,
  mlp: [64, 32],
  dim: DEFAULT_MODEL_CONFIG.embeddingDim,
};

/** The published Multi-Embedding setup (SCIENCE.md section 1), one click away in the Train form. */
export const PUBLISHED_TRAIN_DEFAULTS: TrainDefaults = {
  lr: DEFAULT_TRAIN_CONFIG.lr,
  batchSize: DEFAULT_TRAIN_CONFIG.batchSize,
  epochs: DEFAULT_TRAIN_CONFIG.epochs,
  evalEvery: DEFAULT_TRAIN_CONFIG.evalEvery,
  patience: DEFAULT_TRAIN_CONFIG.earlyStopPatience,
  weightDecay: DEFAULT_TRAIN_CONFIG.weightDecay,
  dropout: DEFAULT_MODEL_CONFIG.dropout,
  mlp: [...DEFAULT_MODEL_CONFIG.mlp],
  dim: DEFAULT_MODEL_CONFIG.embeddingDim,
};

const KEYS = Object.keys(GENERAL_TRAIN_DEFAULTS) as (keyof TrainDefaults)[];

const isPositive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;
const isNonNegativeInt = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;
const isPositiveInt = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 1;

/** What each value may be. */
const RULES: { [K in keyof TrainDefaults]: (v: unknown) => boolean } = {
  lr: (v) => isPositive(v) && (v as number) <= 1,
  batchSize: isPositiveInt,
  epochs: isPositiveInt,
  evalEvery: isNonNegativeInt,
  patience: isNonNegativeInt,
  weightDecay: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  dropout: (v) => typeof v === 'number' && v >= 0 && v < 1,
  mlp: (v) => Array.isArray(v) && v.length >= 1 && v.every(isPositiveInt),
  dim: isPositiveInt,
};

function isPartialDefaults(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  return Object.entries(x).every(([k, v]) => k in RULES && RULES[k as keyof TrainDefaults](v));
}

/** True when `x` is a valid index.json `trainDefaults` (every key known, every value in range). */
export function isDatasetTrainDefaults(x: unknown): x is DatasetTrainDefaults {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const { models, ...own } = x as DatasetTrainDefaults;
  if (!isPartialDefaults(own)) return false;
  if (models === undefined) return true;
  if (typeof models !== 'object' || models === null || Array.isArray(models)) return false;
  return Object.entries(models).every(([kind, v]) => (MODEL_KINDS as readonly string[]).includes(kind) && isPartialDefaults(v));
}

function pick(source: Partial<TrainDefaults> | undefined): Partial<TrainDefaults> {
  const out: Partial<TrainDefaults> = {};
  if (!source) return out;
  for (const k of KEYS) if (source[k] !== undefined) (out as Record<string, unknown>)[k] = source[k];
  return out;
}

/**
 * The defaults to train `modelKind` on a dataset: the general defaults, then the dataset's own,
 * then its overrides for that model. `entry` may be undefined (a dropped file).
 */
export function trainDefaultsFor(entry: { trainDefaults?: DatasetTrainDefaults } | undefined, modelKind: ModelKind): TrainDefaults {
  const own = entry?.trainDefaults;
  const merged = { ...GENERAL_TRAIN_DEFAULTS, ...pick(own), ...pick(own?.models?.[modelKind]) };
  return { ...merged, mlp: [...merged.mlp] };
}
