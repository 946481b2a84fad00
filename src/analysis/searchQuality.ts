/**
 * Search quality (SCIENCE.md section 4; DARE `gsu_performance.py`): does a model's search stage
 * pick the behaviours that carry information about the label? For each test sample, rank its
 * history by ground-truth MI (of its target category, the behaviour's category and position) and
 * by the model's attention score; report the share of the model's top-k that is in the
 * ground-truth top-k, and the ground-truth MI the model's top-k captures over the most any k
 * behaviours of that history capture. k = 20 by default, as there.
 */
import type { SequenceSamples } from '../contracts/sequence.ts';

export const DEFAULT_SEARCH_K = 20;

/** The ground-truth MI in bits of behaviour category `behaviour` at position `position` for target category `target`. */
export type GroundTruthMi = (target: number, behaviour: number, position: number) => number;

export interface SampleSearchQuality {
  /** |model top-k ∩ ground-truth top-k| / k', k' = min(k, history length). */
  overlap: number;
  /** Sum of ground-truth MI over the model's top-k / the same sum over the ground-truth top-k; NaN when that is not positive. */
  captured: number;
}

export interface SearchQuality {
  k: number;
  /** Samples averaged (those with a history and, for `captured`, positive best MI). */
  samples: number;
  /** Mean overlap over samples with a history. */
  overlap: number;
  /** Mean captured share over samples whose best top-k MI is positive; NaN when none. */
  captured: number;
  /** Samples whose best top-k MI is positive (the denominator of `captured`). */
  capturedSamples: number;
}

/**
 * Indices of the k largest values, largest first; ties go to the later index (the more recent
 * behaviour, as histories are oldest first).
 */
export function topIndices(values: ArrayLike<number>, k: number): Int32Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b] - values[a] || b - a);
  return Int32Array.from(order.slice(0, Math.min(k, n)));
}

/**
 * One sample: `truth[j]` and `scores[j]` are the ground-truth MI and the model's attention score of
 * history element j (the same elements, in the same order). NaN overlap for an empty history.
 */
export function sampleSearchQuality(truth: ArrayLike<number>, scores: ArrayLike<number>, k: number = DEFAULT_SEARCH_K): SampleSearchQuality {
  if (truth.length !== scores.length) throw new RangeError(`search quality: ${truth.length} ground-truth values for ${scores.length} scores`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`search quality: k must be a positive integer (got ${k})`);
  for (let j = 0; j < scores.length; j++) {
    if (Number.isNaN(scores[j]) || Number.isNaN(truth[j])) throw new RangeError(`search quality: element ${j} is NaN`);
  }
  const n = truth.length;
  if (n === 0) return { overlap: NaN, captured: NaN };
  const best = topIndices(truth, k);
  const picked = topIndices(scores, k);
  const inBest = new Set(best);
  let hits = 0;
  let bestMi = 0;
  let pickedMi = 0;
  for (let r = 0; r < best.length; r++) {
    bestMi += truth[best[r]];
    pickedMi += truth[picked[r]];
    if (inBest.has(picked[r])) hits++;
  }
  return { overlap: hits / best.length, captured: bestMi > 0 ? pickedMi / bestMi : NaN };
}

/**
 * Mean search quality over samples. `scoresOf(i)` gives the model's attention scores over sample
 * i's most recent behaviours, oldest first (length <= the sample's history: a model that keeps the
 * most recent `historyLength` behaviours scores only those, and only those are ranked).
 */
export function searchQuality(
  samples: SequenceSamples,
  truthMi: GroundTruthMi,
  scoresOf: (sample: number) => ArrayLike<number>,
  k: number = DEFAULT_SEARCH_K,
): SearchQuality {
  let overlapSum = 0;
  let overlapCount = 0;
  let capturedSum = 0;
  let capturedCount = 0;
  for (let i = 0; i < samples.count; i++) {
    const start = samples.histOffsets[i];
    const end = samples.histOffsets[i + 1];
    const scores = scoresOf(i);
    const n = scores.length;
    if (n > end - start) throw new RangeError(`search quality: sample ${i} has ${end - start} behaviours but ${n} scores`);
    if (n === 0) continue;
    const target = samples.targetCategories[i];
    const truth = new Float64Array(n);
    // Element j of the scored window is history element end - n + j, at position p = n - j.
    for (let j = 0; j < n; j++) truth[j] = truthMi(target, samples.histCategories[end - n + j], n - j);
    const one = sampleSearchQuality(truth, scores, k);
    overlapSum += one.overlap;
    overlapCount++;
    if (!Number.isNaN(one.captured)) {
      capturedSum += one.captured;
      capturedCount++;
    }
  }
  return {
    k,
    samples: overlapCount,
    overlap: overlapCount > 0 ? overlapSum / overlapCount : NaN,
    captured: capturedCount > 0 ? capturedSum / capturedCount : NaN,
    capturedSamples: capturedCount,
  };
}
