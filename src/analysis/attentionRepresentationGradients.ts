/**
 * Attention vs representation gradients of a coupled embedding table (SCIENCE.md section 4; DARE's
 * gradient_conflict.py, category_wise_gradient_conflict.py, gradient_domination.py). The trainer
 * observes, per step, each touched row's gradient from the attention role and from the
 * representation role; these pure functions turn them into the cosine histogram on [-1, 1], the
 * conflicting share (cosine below 0), per-category means and the domination ratio over steps.
 */

/** One step's observation of one table: per touched row, the two roles' gradients compared. */
export interface RoleGradientObservation {
  step: number;
  /** Table rows (e.g. category ids) the batch touched, ascending. */
  rows: Int32Array;
  /** cos(g_attn, g_repr) per row; NaN where either gradient is zero. */
  cosine: Float64Array;
  attentionNorm: Float64Array;
  representationNorm: Float64Array;
}

/**
 * The cosine and norms of each row of two gradients gathered at `rows`: `attention` and
 * `representation` are rows.length x dim, row-major, row i being table row rows[i].
 */
export function rowGradientStats(
  step: number,
  attention: ArrayLike<number>,
  representation: ArrayLike<number>,
  dim: number,
  rows: ArrayLike<number>,
): RoleGradientObservation {
  if (attention.length !== representation.length) throw new RangeError(`gradients of ${attention.length} and ${representation.length} values`);
  const n = rows.length;
  if (!Number.isInteger(dim) || dim < 1 || attention.length !== n * dim) throw new RangeError(`${attention.length} values are not ${n} rows of ${dim}`);
  const out: RoleGradientObservation = {
    step,
    rows: Int32Array.from(rows),
    cosine: new Float64Array(n),
    attentionNorm: new Float64Array(n),
    representationNorm: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let aa = 0;
    let bb = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) {
      dot += attention[k] * representation[k];
      aa += attention[k] * attention[k];
      bb += representation[k] * representation[k];
    }
    out.attentionNorm[i] = Math.sqrt(aa);
    out.representationNorm[i] = Math.sqrt(bb);
    out.cosine[i] = aa > 0 && bb > 0 ? Math.max(-1, Math.min(1, dot / Math.sqrt(aa * bb))) : NaN;
  }
  return out;
}

/** The distinct ids of `ids` other than padding (0), ascending. */
export function touchedIds(ids: ArrayLike<number>): Int32Array {
  const seen = new Set<number>();
  for (let i = 0; i < ids.length; i++) if (ids[i] !== 0) seen.add(ids[i]);
  return Int32Array.from([...seen].sort((x, y) => x - y));
}

export interface CosineHistogram {
  /** bins + 1 edges from -1 to 1. */
  edges: Float64Array;
  counts: Int32Array;
  /** Finite cosines counted. */
  total: number;
  /** Share of them below 0 (conflicting); NaN with none. */
  conflictingShare: number;
}

/** Histogram of finite cosines on [-1, 1] in `bins` equal bins (1 falls in the last); NaNs skipped. */
export function cosineHistogram(cosines: ArrayLike<number>, bins = 20): CosineHistogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const counts = new Int32Array(bins);
  let total = 0;
  let conflicting = 0;
  for (let i = 0; i < cosines.length; i++) {
    const c = cosines[i];
    if (!Number.isFinite(c)) continue;
    const x = Math.max(-1, Math.min(1, c));
    counts[Math.min(bins - 1, Math.floor(((x + 1) / 2) * bins))]++;
    total++;
    if (x < 0) conflicting++;
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => -1 + (2 * i) / bins);
  return { edges, counts, total, conflictingShare: total > 0 ? conflicting / total : NaN };
}

export interface DominationPoint {
  step: number;
  meanAttentionNorm: number;
  meanRepresentationNorm: number;
  /** mean ||g_repr|| / mean ||g_attn|| over the step's rows; > 1: representation dominates. NaN when attention's is 0. */
  ratio: number;
}

/** The domination ratio of each observed step. */
export function dominationOverSteps(observations: readonly RoleGradientObservation[]): DominationPoint[] {
  return observations.map((o) => {
    const n = o.rows.length;
    let a = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      a += o.attentionNorm[i];
      r += o.representationNorm[i];
    }
    const meanA = n > 0 ? a / n : NaN;
    const meanR = n > 0 ? r / n : NaN;
    return { step: o.step, meanAttentionNorm: meanA, meanRepresentationNorm: meanR, ratio: meanA > 0 ? meanR / meanA : NaN };
  });
}
