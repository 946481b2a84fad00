/**
 * Zipf-like sampling over ranks 1..n: P(rank k) proportional to k^-exponent, drawn in O(1) per
 * sample with Vose's alias method (one uniform per draw).
 */
export interface AliasTable {
  /** Probability of keeping column i rather than taking alias[i]. */
  keep: Float64Array;
  alias: Int32Array;
}

/** Zipf weights k^-exponent for ranks k = 1..n (unnormalised). */
export function zipfWeights(n: number, exponent: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = Math.pow(k + 1, -exponent);
  return w;
}

export function aliasTable(weights: ArrayLike<number>): AliasTable {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const keep = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let ns = 0;
  let nl = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i] * n) / total;
    if (scaled[i] < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns];
    const l = large[--nl];
    keep[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) small[ns++] = l;
    else large[nl++] = l;
  }
  // Left-overs are 1 up to rounding.
  while (nl > 0) keep[large[--nl]] = 1;
  while (ns > 0) keep[small[--ns]] = 1;
  return { keep, alias };
}

/** A 0-based index drawn from the table with one uniform u in [0, 1). */
export function sampleAlias(table: AliasTable, u: number): number {
  const x = u * table.keep.length;
  const i = Math.floor(x);
  return x - i < table.keep[i] ? i : table.alias[i];
}
