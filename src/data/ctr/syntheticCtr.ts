/**
 * Seeded synthetic CTR data with the phenomena planted honestly: Zipf-like value frequencies per
 * field, a first-order effect per value, and low-rank interactions between chosen field pairs
 * (low-cardinality fields paired with high-cardinality ones, the setting where interaction
 * collapse shows). The true click probability of every row is stored, so the Bayes AUC of the
 * test split is known.
 */
import { throwIfAborted } from '../abort.ts';
import type { CtrDataset, CtrField } from './ctrDataset.ts';
import { expectedSigmoid } from './expectedSigmoid.ts';
import { createRng, type Rng } from './prng.ts';
import { splitRows, type SplitOptions } from './split.ts';
import { standardize } from './standardize.ts';
import { aliasTable, sampleAlias, zipfWeights } from './zipf.ts';

export interface SyntheticCtrConfig {
  seed: number;
  rows: number;
  name?: string;
  /** Distinct values of each field (the OOV slot 0 comes on top). Overrides fields / min / max. */
  cardinalities?: readonly number[];
  /** Number of fields when cardinalities is not given; default 24. */
  fields?: number;
  /** Cardinalities are log-spaced from min to max; defaults 2 and 100 000. */
  minCardinality?: number;
  maxCardinality?: number;
  /** P(value of rank k) proportional to k^-zipfExponent, rank 1 = index 1; default 1.1. */
  zipfExponent?: number;
  /** Rank of each field's latent vectors, hence of every pair interaction; default 4. */
  latentRank?: number;
  /** Interacting field pairs. Default: each low-cardinality field with a high-cardinality one, plus random pairs at interactionDensity. */
  interactionPairs?: readonly (readonly [number, number])[];
  /** Share of the other field pairs that interact when interactionPairs is not given; default 0.15. */
  interactionDensity?: number;
  /** Standard deviation over rows of the first-order part of the logit; default 0.5. */
  firstOrderStd?: number;
  /** Standard deviation over rows of the interaction part of the logit; default 1.2. */
  interactionStd?: number;
  /** Standard deviation of hidden per-row logit noise (not visible in the features); default 0.5. */
  noise?: number;
  /** Mean click probability; default 0.25. */
  baseRate?: number;
  split?: SplitOptions;
  /** Field whose values group rows for gAUC (the 'user'); default the highest-cardinality field, null for none. */
  groupField?: number | null;
}

export const DEFAULT_SYNTHETIC_CTR = {
  fields: 24,
  minCardinality: 2,
  maxCardinality: 100_000,
  zipfExponent: 1.1,
  latentRank: 4,
  interactionDensity: 0.15,
  firstOrderStd: 0.5,
  interactionStd: 1.2,
  noise: 0.5,
  baseRate: 0.25,
} as const;

/** Field cardinalities log-spaced between min and max (rounded, ascending). */
export function logSpacedCardinalities(fields: number, min: number, max: number): number[] {
  if (fields === 1) return [Math.round(min)];
  return Array.from({ length: fields }, (_, f) => Math.round(Math.exp(Math.log(min) + (f / (fields - 1)) * (Math.log(max) - Math.log(min)))));
}

/**
 * The default interacting pairs: the quarter of fields with the fewest values each paired with
 * one of the quarter with the most (lowest with highest), then every other pair with probability
 * density. Pairs are (i, j) with i < j, sorted.
 */
export function defaultInteractionPairs(cardinalities: readonly number[], density: number, rng: Rng): [number, number][] {
  const F = cardinalities.length;
  const byCard = Array.from({ length: F }, (_, f) => f).sort((a, b) => cardinalities[a] - cardinalities[b] || a - b);
  const chosen = new Set<number>();
  const key = (i: number, j: number): number => Math.min(i, j) * F + Math.max(i, j);
  const quarter = Math.max(1, Math.floor(F / 4));
  for (let q = 0; q < quarter && q < F - 1 - q; q++) chosen.add(key(byCard[q], byCard[F - 1 - q]));
  for (let i = 0; i < F; i++) {
    for (let j = i + 1; j < F; j++) if (rng.next() < density) chosen.add(key(i, j));
  }
  return [...chosen].sort((a, b) => a - b).map((k) => [Math.floor(k / F), k % F]);
}

function standardNormals(count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

/**
 * The bias b with mean_i g(logit_i + b) = rate. g is increasing: Newton steps with slope
 * g (1 - g) (exact for the plain sigmoid, close with noise), kept inside a shrinking bracket.
 */
export function calibrateBias(logits: Float64Array, g: (l: number) => number, rate: number): number {
  let lo = -40;
  let hi = 40;
  let b = 0;
  for (let it = 0; it < 100 && hi - lo > 1e-10; it++) {
    let sum = 0;
    let slope = 0;
    for (let i = 0; i < logits.length; i++) {
      const p = g(logits[i] + b);
      sum += p;
      slope += p * (1 - p);
    }
    const excess = sum / logits.length - rate;
    if (Math.abs(excess) < 1e-9) break;
    if (excess < 0) lo = b;
    else hi = b;
    const next = b - excess / (slope / logits.length);
    b = next > lo && next < hi ? next : (lo + hi) / 2;
  }
  return b;
}

/** The generator's ground truth: it depends on the seed and the field layout, never on the row count. */
export interface SyntheticCtrTruth {
  cardinalities: number[];
  rank: number;
  pairs: [number, number][];
  /** Per field, per value index v = 1..card (row 0 unused): first-order weight. */
  firstOrder: Float32Array[];
  /** Per field, (card + 1) x rank latent vectors, row-major. */
  latent: Float32Array[];
  /** Per pair, the rank diagonal weights of its bilinear form. */
  pairWeights: Float32Array[];
}

export function syntheticCtrTruth(config: Omit<SyntheticCtrConfig, 'rows'>): SyntheticCtrTruth {
  const d = DEFAULT_SYNTHETIC_CTR;
  const cards = config.cardinalities
    ? [...config.cardinalities]
    : logSpacedCardinalities(config.fields ?? d.fields, config.minCardinality ?? d.minCardinality, config.maxCardinality ?? d.maxCardinality);
  const F = cards.length;
  const rank = config.latentRank ?? d.latentRank;
  if (F < 1 || cards.some((c) => !Number.isInteger(c) || c < 1)) throw new RangeError('every field needs an integer cardinality >= 1');
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError('latentRank must be a positive integer');
  const truthRng = createRng(config.seed);
  const pairs = config.interactionPairs
    ? config.interactionPairs.map(([i, j]) => [Math.min(i, j), Math.max(i, j)] as [number, number])
    : defaultInteractionPairs(cards, config.interactionDensity ?? d.interactionDensity, truthRng);
  for (const [i, j] of pairs) {
    if (!(i >= 0 && j < F && i !== j)) throw new RangeError(`interaction pair (${i}, ${j}) is not a pair of two of the ${F} fields`);
  }
  const firstOrder = cards.map((c) => standardNormals(c + 1, truthRng));
  const latent = cards.map((c) => standardNormals((c + 1) * rank, truthRng));
  const pairWeights = pairs.map(() => standardNormals(rank, truthRng));
  return { cardinalities: cards, rank, pairs, firstOrder, latent, pairWeights };
}

/** `onProgress(done, total)` after each field is sampled and each pair is scored (a million rows take seconds). */
export function generateSyntheticCtr(config: SyntheticCtrConfig, onProgress?: (done: number, total: number) => void): CtrDataset {
  const steps = syntheticCtrSteps(config);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    onProgress?.(next.value.done, next.value.total);
  }
}

/**
 * The same, yielding to the event loop after every step (tens of milliseconds each at a million
 * rows), so a worker stays responsive and `signal` can cancel it midway.
 */
export async function generateSyntheticCtrAsync(
  config: SyntheticCtrConfig,
  options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<CtrDataset> {
  const steps = syntheticCtrSteps(config);
  for (;;) {
    throwIfAborted(options.signal);
    const next = steps.next();
    if (next.done) return next.value;
    options.onProgress?.(next.value.done, next.value.total);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** The generator's work, a step each: one field's sampling, one pair's scoring, the calibration, the labels. */
function* syntheticCtrSteps(config: SyntheticCtrConfig): Generator<{ done: number; total: number }, CtrDataset, void> {
  const d = DEFAULT_SYNTHETIC_CTR;
  const N = config.rows;
  const baseRate = config.baseRate ?? d.baseRate;
  if (!Number.isInteger(N) || N < 1) throw new RangeError('rows must be a positive integer');
  if (!(baseRate > 0 && baseRate < 1)) throw new RangeError('baseRate must lie in (0, 1)');
  // Independent streams, so changing the row count does not change the ground truth.
  const { cardinalities: cards, rank, pairs, firstOrder, latent, pairWeights } = syntheticCtrTruth(config);
  const F = cards.length;
  const rowRng = createRng((config.seed ^ 0x9e3779b9) >>> 0);

  // Field-major sampling keeps one alias table hot in cache at a time.
  const zipfExponent = config.zipfExponent ?? d.zipfExponent;
  const indices = new Int32Array(N * F);
  // Sampling per field, scoring per pair, then calibration and labels as two more steps.
  const steps = F + pairs.length + 2;
  for (let f = 0; f < F; f++) {
    const table = aliasTable(zipfWeights(cards[f], zipfExponent));
    for (let r = 0; r < N; r++) indices[r * F + f] = sampleAlias(table, rowRng.next()) + 1;
    yield { done: f + 1, total: steps };
  }

  const first = new Float64Array(N);
  for (let f = 0; f < F; f++) {
    const w = firstOrder[f];
    for (let r = 0; r < N; r++) first[r] += w[indices[r * F + f]];
  }
  const inter = new Float64Array(N);
  for (let p = 0; p < pairs.length; p++) {
    const [i, j] = pairs[p];
    const w = pairWeights[p];
    const ui = latent[i];
    const uj = latent[j];
    for (let r = 0; r < N; r++) {
      const a = indices[r * F + i] * rank;
      const b = indices[r * F + j] * rank;
      let t = 0;
      for (let k = 0; k < rank; k++) t += ui[a + k] * w[k] * uj[b + k];
      inter[r] += t;
    }
    yield { done: F + p + 1, total: steps };
  }
  standardize(first, config.firstOrderStd ?? d.firstOrderStd);
  standardize(inter, config.interactionStd ?? d.interactionStd);
  const logits = first;
  for (let r = 0; r < N; r++) logits[r] += inter[r];

  const noise = config.noise ?? d.noise;
  const g = expectedSigmoid(noise);
  const bias = calibrateBias(logits, g, baseRate);
  yield { done: F + pairs.length + 1, total: steps };
  const labels = new Float32Array(N);
  const trueProbabilities = new Float32Array(N);
  for (let r = 0; r < N; r++) {
    const l = logits[r] + bias;
    trueProbabilities[r] = g(l);
    const noisy = l + noise * rowRng.normal();
    labels[r] = rowRng.next() < 1 / (1 + Math.exp(-noisy)) ? 1 : 0;
  }

  yield { done: steps, total: steps };

  const groupField = config.groupField === undefined ? cards.indexOf(Math.max(...cards)) : config.groupField;
  let groups: Int32Array | undefined;
  if (groupField !== null) {
    if (!(groupField >= 0 && groupField < F)) throw new RangeError(`groupField ${groupField} is not one of the ${F} fields`);
    groups = new Int32Array(N);
    for (let r = 0; r < N; r++) groups[r] = indices[r * F + groupField];
  }

  const width = String(F).length;
  const fields: CtrField[] = cards.map((c, f) => ({ name: `f${String(f + 1).padStart(width, '0')}`, cardinality: c + 1 }));
  const split = splitRows({ rows: N, fieldCount: F, taskCount: 1, indices, labels, trueProbabilities, groups }, { seed: config.seed, ...config.split });
  return {
    name: config.name ?? `synthetic-${F}f-${N}r-seed${config.seed}`,
    origin: `synthetic:${config.seed}`,
    fields,
    tasks: ['click'],
    ...split,
    plantedPairs: pairs,
  };
}
