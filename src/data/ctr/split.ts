import type { CtrSplit } from './ctrDataset.ts';
import { createRng, permutation } from './prng.ts';

export interface SplitOptions {
  /** train / valid / test shares of the rows; default 0.8 / 0.1 / 0.1. */
  fractions?: readonly [number, number, number];
  /** Seed of the random split; default 1. */
  seed?: number;
  /** 'random' (default) or 'time': train on the earliest rows, test on the latest (needs row times). */
  by?: 'random' | 'time';
}

export const DEFAULT_SPLIT_FRACTIONS = [0.8, 0.1, 0.1] as const;

/** All rows of a dataset before splitting, laid out like a CtrSplit. */
export interface CtrRows extends CtrSplit {
  fieldCount: number;
  taskCount: number;
}

export interface SplitRowIds {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

/** Row counts of the three splits: rounded shares, test takes the remainder. */
export function splitCounts(rows: number, fractions: readonly [number, number, number] = DEFAULT_SPLIT_FRACTIONS): [number, number, number] {
  const total = fractions[0] + fractions[1] + fractions[2];
  if (fractions.some((f) => !(f >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new RangeError(`split fractions must be >= 0 and sum to 1, got ${fractions.join(' / ')}`);
  }
  const train = Math.round(fractions[0] * rows);
  const valid = Math.min(rows - train, Math.round(fractions[1] * rows));
  return [train, valid, rows - train - valid];
}

/**
 * Which rows go to train / valid / test. Random: a seeded permutation cut by the fractions, each
 * part back in file order. Time: a stable sort by time, the earliest rows to train.
 */
export function splitRowIds(rows: number, options: SplitOptions = {}, times?: ArrayLike<number>): SplitRowIds {
  const [nTrain, nValid] = splitCounts(rows, options.fractions);
  let order: Int32Array;
  if (options.by === 'time') {
    if (!times || times.length !== rows) throw new RangeError('a time split needs one time per row');
    order = Int32Array.from({ length: rows }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  } else {
    order = permutation(rows, createRng(options.seed ?? 1));
  }
  const part = (start: number, end: number): Int32Array => {
    const ids = order.slice(start, end);
    return options.by === 'time' ? ids : ids.sort();
  };
  return { train: part(0, nTrain), valid: part(nTrain, nTrain + nValid), test: part(nTrain + nValid, rows) };
}

/** Copies the given rows (all their arrays) into a new split. */
export function takeRows(data: CtrRows, rowIds: Int32Array): CtrSplit {
  const { fieldCount: F, taskCount: T } = data;
  const n = rowIds.length;
  const indices = new Int32Array(n * F);
  const labels = new Float32Array(n * T);
  const srcIndices = data.indices;
  const srcLabels = data.labels;
  const srcProbs = data.trueProbabilities;
  const srcGroups = data.groups;
  const probs = srcProbs ? new Float32Array(n * T) : undefined;
  const groups = srcGroups ? new Int32Array(n) : undefined;
  for (let r = 0; r < n; r++) {
    const src = rowIds[r];
    for (let f = 0; f < F; f++) indices[r * F + f] = srcIndices[src * F + f];
    for (let t = 0; t < T; t++) labels[r * T + t] = srcLabels[src * T + t];
    if (probs && srcProbs) for (let t = 0; t < T; t++) probs[r * T + t] = srcProbs[src * T + t];
    if (groups && srcGroups) groups[r] = srcGroups[src];
  }
  const split: CtrSplit = { rows: n, indices, labels };
  if (probs) split.trueProbabilities = probs;
  if (groups) split.groups = groups;
  return split;
}

/** Splits all rows into train / valid / test. */
export function splitRows(data: CtrRows, options: SplitOptions = {}, times?: ArrayLike<number>): { train: CtrSplit; valid: CtrSplit; test: CtrSplit } {
  const ids = splitRowIds(data.rows, options, times);
  return { train: takeRows(data, ids.train), valid: takeRows(data, ids.valid), test: takeRows(data, ids.test) };
}
