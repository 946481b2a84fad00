/**
 * RecScope's conflict-pair measure of interest entanglement (STEM paper; SCIENCE.md section 3):
 * frequent (user, item) test pairs, their embedding distance under each model, the pairs two
 * single-task models disagree on (far for task A, near for task B), and the histograms the
 * studio draws of them.
 */
import type { CtrSplit } from '../data/ctr/ctrDataset.ts';

export const CONFLICT_HIGH_PERCENTILE = 60;
export const CONFLICT_LOW_PERCENTILE = 40;
export const DISTANCE_BINS = 39;

/** The q-th percentile (0..100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Rows of `split` per value of one field (length cardinality). */
export function valueCounts(split: CtrSplit, fields: number, field: number, cardinality: number): Int32Array {
  const counts = new Int32Array(cardinality);
  for (let r = 0; r < split.rows; r++) counts[split.indices[r * fields + field]]++;
  return counts;
}

/** Values whose training count is above the q-th percentile of the counts of values seen in training. */
function frequentValues(counts: Int32Array, q: number): Uint8Array {
  const seen = Array.from(counts).filter((c) => c > 0);
  const threshold = percentile(seen, q);
  return Uint8Array.from(counts, (c) => (c > threshold ? 1 : 0));
}

export interface UserItemPairs {
  /** Local indices into the user and item fields. */
  users: Int32Array;
  items: Int32Array;
}

/**
 * The distinct (user, item) pairs of `test` whose user and item are both frequent in `train`
 * (count above the q-th percentile; OOV index 0 excluded), in first-seen order.
 */
export function frequentPairs(
  train: CtrSplit,
  test: CtrSplit,
  fields: number,
  userField: number,
  itemField: number,
  cardinalities: { user: number; item: number },
  q = CONFLICT_HIGH_PERCENTILE,
): UserItemPairs {
  const userOk = frequentValues(valueCounts(train, fields, userField, cardinalities.user), q);
  const itemOk = frequentValues(valueCounts(train, fields, itemField, cardinalities.item), q);
  const seen = new Set<number>();
  const users: number[] = [];
  const items: number[] = [];
  for (let r = 0; r < test.rows; r++) {
    const u = test.indices[r * fields + userField];
    const i = test.indices[r * fields + itemField];
    if (u === 0 || i === 0 || !userOk[u] || !itemOk[i]) continue;
    const key = u * cardinalities.item + i;
    if (seen.has(key)) continue;
    seen.add(key);
    users.push(u);
    items.push(i);
  }
  return { users: Int32Array.from(users), items: Int32Array.from(items) };
}

/** ||u - i||_2 for each pair: rows userRows[p] and itemRows[p] of a row-major table of width dim. */
export function pairDistances(table: ArrayLike<number>, dim: number, userRows: ArrayLike<number>, itemRows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(userRows.length);
  for (let p = 0; p < out.length; p++) {
    const a = userRows[p] * dim;
    const b = itemRows[p] * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += (table[a + d] - table[b + d]) ** 2;
    out[p] = Math.sqrt(s);
  }
  return out;
}

/** Conflict pairs: d_A above its 60th percentile and d_B at or below its 40th. */
export function conflictMask(dA: ArrayLike<number>, dB: ArrayLike<number>, high = CONFLICT_HIGH_PERCENTILE, low = CONFLICT_LOW_PERCENTILE): Uint8Array {
  if (dA.length !== dB.length) throw new RangeError(`${dA.length} distances under task A but ${dB.length} under task B`);
  const a = percentile(dA, high);
  const b = percentile(dB, low);
  return Uint8Array.from({ length: dA.length }, (_, p) => (dA[p] > a && dB[p] <= b ? 1 : 0));
}

export type PercentileBand = 'bottom' | 'middle' | 'top';

export interface DistanceHistogram {
  /** bins + 1 equal-width edges from min to max distance. */
  edges: Float64Array;
  conflict: Int32Array;
  other: Int32Array;
  /** Band of each bin's centre: bottom 40 %, middle 20 %, top 40 % of all distances. */
  band: PercentileBand[];
  p40: number;
  p60: number;
}

function binOf(x: number, lo: number, width: number, bins: number): number {
  return width > 0 ? Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width))) : 0;
}

export function distanceHistogram(d: ArrayLike<number>, conflict: ArrayLike<number>, bins = DISTANCE_BINS): DistanceHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < d.length; p++) {
    lo = Math.min(lo, d[p]);
    hi = Math.max(hi, d[p]);
  }
  if (d.length === 0) lo = hi = 0;
  const width = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => lo + b * width);
  const conflictCounts = new Int32Array(bins);
  const other = new Int32Array(bins);
  for (let p = 0; p < d.length; p++) (conflict[p] ? conflictCounts : other)[binOf(d[p], lo, width, bins)]++;
  const p40 = percentile(d, CONFLICT_LOW_PERCENTILE);
  const p60 = percentile(d, CONFLICT_HIGH_PERCENTILE);
  const band = Array.from({ length: bins }, (_, b): PercentileBand => {
    const centre = lo + (b + 0.5) * width;
    return centre <= p40 ? 'bottom' : centre <= p60 ? 'middle' : 'top';
  });
  return { edges, conflict: conflictCounts, other, band, p40, p60 };
}

export interface JointHistogram {
  xEdges: Float64Array;
  yEdges: Float64Array;
  /** bins x bins, row = y bin, column = x bin. */
  counts: Int32Array;
}

function edgesOf(v: ArrayLike<number>, mask: ArrayLike<number> | undefined, bins: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < v.length; p++) {
    if (mask && !mask[p]) continue;
    lo = Math.min(lo, v[p]);
    hi = Math.max(hi, v[p]);
  }
  if (lo > hi) lo = hi = 0;
  return Float64Array.from({ length: bins + 1 }, (_, b) => lo + ((hi - lo) * b) / bins);
}

/** 2-D histogram of (x, y) over the pairs where mask is non-zero (all pairs without a mask). */
export function jointHistogram(x: ArrayLike<number>, y: ArrayLike<number>, bins: number, mask?: ArrayLike<number>): JointHistogram {
  if (x.length !== y.length) throw new RangeError(`${x.length} x values but ${y.length} y values`);
  const xEdges = edgesOf(x, mask, bins);
  const yEdges = edgesOf(y, mask, bins);
  const counts = new Int32Array(bins * bins);
  const xw = (xEdges[bins] - xEdges[0]) / bins;
  const yw = (yEdges[bins] - yEdges[0]) / bins;
  for (let p = 0; p < x.length; p++) {
    if (mask && !mask[p]) continue;
    counts[binOf(y[p], yEdges[0], yw, bins) * bins + binOf(x[p], xEdges[0], xw, bins)]++;
  }
  return { xEdges, yEdges, counts };
}
