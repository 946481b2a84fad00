/**
 * Learned correlation (SCIENCE.md section 4; RecScope RQ2, DARE `calc_learned.py`, RecScope
 * `temporal_correlation.py`): from a model's category and position embeddings, how strongly the
 * model attends to behaviour category c_i at target-relative position p given target category c_t.
 * One N x P matrix per target (rows = behaviour categories, columns = positions 1..P), row-major,
 * min-max normalised, to sit beside the ground-truth mutual information with their Spearman rank
 * correlation.
 */
import type { SequenceModelKind } from '../contracts/sequence.ts';

/** A row-major embedding table: row r is values[r * dim .. (r + 1) * dim). */
export interface EmbeddingRows {
  rows: number;
  dim: number;
  values: ArrayLike<number>;
}

/** The tables one correlation reads. Position row 0 is the target's position; row p is position p. */
export interface CorrelationEmbeddings {
  /** Behaviour category embeddings (row = category id). */
  categories: EmbeddingRows;
  /** Behaviour position embeddings. */
  positions: EmbeddingRows;
  /** The target's category table where a model keeps its own; `categories` otherwise. */
  targetCategories?: EmbeddingRows;
  /** The target's position table where a model keeps its own; `positions` otherwise. */
  targetPositions?: EmbeddingRows;
}

/** attention: a_ip = c_t.c_i/sqrt(d) + p_0.p_p/sqrt(d); tin: TIN's temporal encoding and representation. */
export type CorrelationMethod = 'attention' | 'tin';

/** The formula a model family's attention implies: TIN's for TIN, the attention-only one otherwise. */
export function correlationMethod(kind: SequenceModelKind): CorrelationMethod {
  return kind === 'tin' ? 'tin' : 'attention';
}

function checkTable(table: EmbeddingRows, name: string): void {
  if (!Number.isInteger(table.rows) || !Number.isInteger(table.dim) || table.rows < 1 || table.dim < 1) {
    throw new RangeError(`${name}: a table needs at least one row and one column (got ${table.rows} x ${table.dim})`);
  }
  if (table.values.length !== table.rows * table.dim) {
    throw new RangeError(`${name}: ${table.values.length} values for ${table.rows} x ${table.dim}`);
  }
}

function checkRow(table: EmbeddingRows, row: number, name: string): void {
  if (!Number.isInteger(row) || row < 0 || row >= table.rows) throw new RangeError(`${name}: row ${row} is outside 0..${table.rows - 1}`);
}

interface Resolved {
  c: EmbeddingRows;
  p: EmbeddingRows;
  ct: EmbeddingRows;
  pt: EmbeddingRows;
}

function resolve(emb: CorrelationEmbeddings, target: number, behaviours: ArrayLike<number>, positions: number): Resolved {
  const c = emb.categories;
  const p = emb.positions;
  const ct = emb.targetCategories ?? c;
  const pt = emb.targetPositions ?? p;
  checkTable(c, 'category table');
  checkTable(p, 'position table');
  checkTable(ct, 'target category table');
  checkTable(pt, 'target position table');
  if (ct.dim !== c.dim) throw new RangeError(`the target category table has dim ${ct.dim}, the behaviour category table ${c.dim}`);
  if (pt.dim !== p.dim) throw new RangeError(`the target position table has dim ${pt.dim}, the behaviour position table ${p.dim}`);
  if (!Number.isInteger(positions) || positions < 1) throw new RangeError(`positions must be a positive integer (got ${positions})`);
  if (positions >= p.rows) throw new RangeError(`positions 1..${positions} need ${positions + 1} position rows; the table has ${p.rows}`);
  if (behaviours.length < 1) throw new RangeError('no behaviour categories to correlate');
  checkRow(ct, target, 'target category');
  for (let i = 0; i < behaviours.length; i++) checkRow(c, behaviours[i], 'behaviour category');
  return { c, p, ct, pt };
}

function dot(a: EmbeddingRows, ra: number, b: EmbeddingRows, rb: number): number {
  const d = a.dim;
  const oa = ra * d;
  const ob = rb * d;
  let s = 0;
  for (let k = 0; k < d; k++) s += a.values[oa + k] * b.values[ob + k];
  return s;
}

/**
 * The attention logits a_ip = (c_t . c_i)/sqrt(d_c) + (p_0 . p_p)/sqrt(d_p), N x P row-major, before
 * the softmax (d_c, d_p: the category and position tables' dims, as DARE's script takes each from
 * its own table).
 */
export function attentionLogits(emb: CorrelationEmbeddings, target: number, behaviours: ArrayLike<number>, positions: number): Float64Array {
  const { c, p, ct, pt } = resolve(emb, target, behaviours, positions);
  const N = behaviours.length;
  const out = new Float64Array(N * positions);
  const timeScores = new Float64Array(positions);
  for (let j = 0; j < positions; j++) timeScores[j] = dot(pt, 0, p, j + 1) / Math.sqrt(p.dim);
  for (let i = 0; i < N; i++) {
    const category = dot(ct, target, c, behaviours[i]) / Math.sqrt(c.dim);
    for (let j = 0; j < positions; j++) out[i * positions + j] = category + timeScores[j];
  }
  return out;
}

/** Attention-only learned correlation: min-max of the softmax (over the whole matrix) of the logits. */
export function attentionCorrelation(emb: CorrelationEmbeddings, target: number, behaviours: ArrayLike<number>, positions: number): Float64Array {
  return minMax(softmax(attentionLogits(emb, target, behaviours, positions)));
}

/**
 * TIN's learned correlation: z_ip = (c_i + p_p) . (c_t + p_0) (target-aware temporal encoding),
 * z-scored over the matrix, softmax over the matrix, times ||(c_i + p_p) * (c_t + p_0)||_2 (the
 * target-aware representation, element-wise product), min-max. Category and position tables must
 * share a dim.
 */
export function tinCorrelation(emb: CorrelationEmbeddings, target: number, behaviours: ArrayLike<number>, positions: number): Float64Array {
  const { c, p, ct, pt } = resolve(emb, target, behaviours, positions);
  if (c.dim !== p.dim) throw new RangeError(`TIN adds position to category embeddings: dims ${c.dim} and ${p.dim} differ`);
  const d = c.dim;
  const N = behaviours.length;
  const query = new Float64Array(d);
  for (let k = 0; k < d; k++) query[k] = ct.values[target * d + k] + pt.values[k];
  const logits = new Float64Array(N * positions);
  const norms = new Float64Array(N * positions);
  for (let i = 0; i < N; i++) {
    const oc = behaviours[i] * d;
    for (let j = 0; j < positions; j++) {
      const op = (j + 1) * d;
      let z = 0;
      let sq = 0;
      for (let k = 0; k < d; k++) {
        const prod = (c.values[oc + k] + p.values[op + k]) * query[k];
        z += prod;
        sq += prod * prod;
      }
      logits[i * positions + j] = z;
      norms[i * positions + j] = Math.sqrt(sq);
    }
  }
  const weights = softmax(zScore(logits));
  for (let i = 0; i < weights.length; i++) weights[i] *= norms[i];
  return minMax(weights);
}

/**
 * One learned-correlation matrix per target category, in the order of `categories` (SCIENCE.md
 * section 4: the top-N target categories, used as the rows too), each N x P row-major.
 */
export function learnedCorrelationMaps(
  method: CorrelationMethod,
  emb: CorrelationEmbeddings,
  categories: ArrayLike<number>,
  positions: number,
): Float64Array[] {
  const one = method === 'tin' ? tinCorrelation : attentionCorrelation;
  return Array.from(categories, (target) => one(emb, target, categories, positions));
}

/** exp(x) / sum(exp(x)) over all entries (shifted by the max, which leaves the result unchanged). */
export function softmax(x: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
  const out = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    out[i] = Math.exp(x[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** (x - min) / (max - min); a constant matrix (nothing to rank) gives all zeros. */
export function minMax(x: ArrayLike<number>): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const range = max - min;
  const out = new Float64Array(x.length);
  if (!(range > 0)) return out;
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - min) / range;
  return out;
}

/** (x - mean) / std with the population std (numpy's default); a constant matrix gives all zeros. */
export function zScore(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (x[i] - mean) ** 2;
  const std = Math.sqrt(variance / n);
  const out = new Float64Array(n);
  if (!(std > 0)) return out;
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) / std;
  return out;
}

/** Ranks 1..n, ties given the mean of the ranks they span. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && x[order[end]] === x[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation of two equally long matrices (flattened): Pearson's correlation of
 * their average ranks. NaN when either is constant or they hold fewer than two entries.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`Spearman needs equally long inputs (${a.length} and ${b.length})`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new RangeError(`Spearman: entry ${i} is not finite`);
  }
  const n = a.length;
  if (n < 2) return NaN;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i] - mean;
    const db = rb[i] - mean;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : NaN;
}
