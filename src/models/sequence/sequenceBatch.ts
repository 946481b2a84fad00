/**
 * Samples to the fixed-width arrays the sequence models take: each history cut to its most recent
 * `historyLength` behaviours and left-padded with id 0, so column j of a batch row holds the
 * behaviour at target-relative position p = historyLength - j (the last column is p = 1).
 */
import type { SequenceSamples } from '../../contracts/sequence.ts';

export interface SequenceBatch {
  rows: number;
  historyLength: number;
  labels: Float32Array;
  users: Int32Array;
  targetItems: Int32Array;
  targetCategories: Int32Array;
  /** rows x historyLength, row-major; 0 = padding. */
  histItems: Int32Array;
  histCategories: Int32Array;
}

/**
 * The batch of `samples` rows `order[start .. start + rows)` (or start .. start + rows when order is
 * null). `reuse`: a batch of the same shape whose arrays are overwritten and returned (a trainer's
 * one batch a step: no new arrays, whose fresh memory costs more than the copying).
 */
export function gatherBatch(
  samples: SequenceSamples,
  historyLength: number,
  order: Int32Array | null,
  start: number,
  rows: number,
  reuse?: SequenceBatch,
): SequenceBatch {
  if (!Number.isInteger(historyLength) || historyLength < 1) throw new RangeError(`historyLength must be a positive integer, got ${historyLength}`);
  const L = historyLength;
  const fits = reuse !== undefined && reuse.rows === rows && reuse.historyLength === L;
  if (fits) {
    reuse.histItems.fill(0);
    reuse.histCategories.fill(0);
  }
  const b: SequenceBatch = fits
    ? reuse
    : {
        rows,
        historyLength: L,
        labels: new Float32Array(rows),
        users: new Int32Array(rows),
        targetItems: new Int32Array(rows),
        targetCategories: new Int32Array(rows),
        histItems: new Int32Array(rows * L),
        histCategories: new Int32Array(rows * L),
      };
  for (let r = 0; r < rows; r++) {
    const i = order ? order[start + r] : start + r;
    if (i < 0 || i >= samples.count) throw new RangeError(`sample ${i} is outside 0..${samples.count - 1}`);
    b.labels[r] = samples.labels[i];
    b.users[r] = samples.users[i];
    b.targetItems[r] = samples.targetItems[i];
    b.targetCategories[r] = samples.targetCategories[i];
    const end = samples.histOffsets[i + 1];
    const from = Math.max(samples.histOffsets[i], end - L);
    const at = r * L + L - (end - from);
    b.histItems.set(samples.histItems.subarray(from, end), at);
    b.histCategories.set(samples.histCategories.subarray(from, end), at);
  }
  return b;
}

/** How many behaviours of sample i a model with this history length sees. */
export function keptHistory(samples: SequenceSamples, i: number, historyLength: number): number {
  return Math.min(historyLength, samples.histOffsets[i + 1] - samples.histOffsets[i]);
}
