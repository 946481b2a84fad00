/**
 * Ground-truth feature correlation of behaviour sequences (SCIENCE.md section 4; RecScope RQ1,
 * DARE `calc_gt.py`): the mutual information in bits between "the history has behaviour category
 * c_i at target-relative position p" and the label, among the samples whose target has category c_t.
 *
 * Counts: t_p, t_n = positive / negative samples of target category c_t; x_p, x_n = those of them
 * with c_i at position p (a count of 0 is taken as 1e-5, as DARE does); s = t_p + t_n.
 *   MI = x_p/s log2(x_p s / ((x_p+x_n) t_p)) + x_n/s log2(x_n s / ((x_p+x_n) t_n))
 *      + (t_p-x_p)/s log2((t_p-x_p) s / ((s-x_p-x_n) t_p)) + (t_n-x_n)/s log2((t_n-x_n) s / ((s-x_p-x_n) t_n))
 * a term whose leading count is 0 being 0 (its limit). A target category without positives or
 * without negatives has a constant label there: its MI is 0 (the formula would divide by zero).
 * Top categories: the N most frequent target categories, ties broken by which was first seen as a
 * target (in the order the samples are given). Positions are 1 (most recent) .. P.
 */
import type { SequenceSamples } from '../contracts/sequence.ts';

/** DARE's stand-in for a zero co-occurrence count. */
export const ZERO_COUNT = 1e-5;

/** The most (target category, behaviour category, position) cells counted densely: 16 MB of counts. */
const DENSE_CELLS = 2 ** 21;

/** The bits of one (c_t, c_i, p) cell from its four counts. */
export function mutualInformationBits(xp: number, xn: number, tp: number, tn: number): number {
  if (tp === 0 || tn === 0) return 0;
  const xP = xp === 0 ? ZERO_COUNT : xp;
  const xN = xn === 0 ? ZERO_COUNT : xn;
  const s = tp + tn;
  const term = (lead: number, num: number, den: number) => (lead === 0 ? 0 : (lead / s) * Math.log2(num / den));
  return (
    term(xP, xP * s, (xP + xN) * tp) +
    term(xN, xN * s, (xP + xN) * tn) +
    term(tp - xP, (tp - xP) * s, (s - xP - xN) * tp) +
    term(tn - xN, (tn - xN) * s, (s - xP - xN) * tn)
  );
}

/**
 * Co-occurrence counts of (target category, behaviour category, position) by label, over positions
 * 1..maxPosition, and target counts by label: everything the MI of any cell needs. Dense (one
 * Int32Array of every cell) when there are at most DENSE_CELLS cells, as for the built-in sequences
 * (51 categories, 100 positions: 0.26M cells; over 12,000 users' 20M behaviours a Map took 21-27 s
 * and the array 0.8-1.2 s in Node on a loaded machine, in a worker that cannot take a Stop
 * meanwhile); sparse (a Map) above, so thousands of categories cost only the triples that occur.
 * Both give the same counts.
 */
export class CorrelationCounts {
  /** Sparse counts: key(ct, ci, p) -> [positives, negatives] (empty when dense). */
  private readonly cells = new Map<number, [number, number]>();
  /** Dense counts: positives at 2 key, negatives at 2 key + 1 (null when sparse). */
  private readonly dense: Int32Array | null;
  /** target category -> [positives, negatives]. */
  readonly targets = new Map<number, [number, number]>();
  /** Target categories in the order first seen. */
  readonly targetOrder: number[] = [];

  constructor(
    readonly categoryVocabulary: number,
    readonly maxPosition: number,
  ) {
    const cells = categoryVocabulary * categoryVocabulary * (maxPosition + 1);
    this.dense = cells <= DENSE_CELLS ? new Int32Array(2 * cells) : null;
  }

  private key(ct: number, ci: number, p: number): number {
    return (ct * this.categoryVocabulary + ci) * (this.maxPosition + 1) + p;
  }

  /** Counts the samples from..to - 1 of `samples` (all of them by default). */
  add(samples: SequenceSamples, from = 0, to = samples.count): this {
    const { labels, targetCategories: tc, histOffsets: off, histCategories: hc } = samples;
    for (let i = from; i < to; i++) {
      const ct = tc[i];
      const y = labels[i] > 0 ? 0 : 1;
      let t = this.targets.get(ct);
      if (!t) {
        t = [0, 0];
        this.targets.set(ct, t);
        this.targetOrder.push(ct);
      }
      t[y]++;
      const end = off[i + 1];
      const first = Math.max(off[i], end - this.maxPosition);
      const { dense, cells } = this;
      if (dense) {
        for (let j = first; j < end; j++) dense[2 * this.key(ct, hc[j], end - j) + y]++;
        continue;
      }
      for (let j = first; j < end; j++) {
        const k = this.key(ct, hc[j], end - j);
        let c = cells.get(k);
        if (!c) {
          c = [0, 0];
          cells.set(k, c);
        }
        c[y]++;
      }
    }
    return this;
  }

  /** Positive and negative samples of target category ct. */
  targetCounts(ct: number): [number, number] {
    return this.targets.get(ct) ?? [0, 0];
  }

  /** Samples of target category ct, by label, whose history has category ci at position p. */
  cellCounts(ct: number, ci: number, p: number): [number, number] {
    if (p < 1 || p > this.maxPosition) return [0, 0];
    const k = this.key(ct, ci, p);
    if (this.dense) return [this.dense[2 * k], this.dense[2 * k + 1]];
    return this.cells.get(k) ?? [0, 0];
  }

  /** MI in bits of (target category ct, behaviour category ci, position p); 0 beyond maxPosition. */
  mutualInformation(ct: number, ci: number, p: number): number {
    if (p < 1 || p > this.maxPosition) return 0;
    const [xp, xn] = this.cellCounts(ct, ci, p);
    const [tp, tn] = this.targetCounts(ct);
    return mutualInformationBits(xp, xn, tp, tn);
  }

  /** The n most frequent target categories, ties by first seen. */
  topTargetCategories(n: number): number[] {
    const order = this.targetOrder.map((c, seen) => ({ c, seen, n: this.targets.get(c)![0] + this.targets.get(c)![1] }));
    order.sort((a, b) => b.n - a.n || a.seen - b.seen);
    return order.slice(0, n).map((o) => o.c);
  }
}

export interface TargetCorrelation {
  /** Target category id. */
  category: number;
  positives: number;
  negatives: number;
  /** [behaviour category row (in `categories` order)][position - 1], bits. */
  mutualInformation: number[][];
}

export interface GroundTruthCorrelation {
  /** The top target categories (ids): the rows of every matrix, and the targets in this order. */
  categories: number[];
  /** 1..P. */
  positions: number[];
  targets: TargetCorrelation[];
}

export interface GroundTruthOptions {
  /** N, top target categories; default 10. */
  top?: number;
  /** P, positions 1..P; default 10. */
  positions?: number;
}

/** The N x P MI matrices per top target category, from counts over at least P positions. */
export function correlationMatrices(counts: CorrelationCounts, options: GroundTruthOptions = {}): GroundTruthCorrelation {
  const N = options.top ?? 10;
  const P = options.positions ?? 10;
  if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(P) && P >= 1))
    throw new Error(`groundTruthCorrelation: top and positions are integers >= 1 (got ${N}, ${P}).`);
  if (P > counts.maxPosition) throw new Error(`groundTruthCorrelation: the counts stop at position ${counts.maxPosition}, below ${P}.`);
  const categories = counts.topTargetCategories(N);
  const positions = Array.from({ length: P }, (_, p) => p + 1);
  const targets = categories.map((ct) => {
    const [positives, negatives] = counts.targetCounts(ct);
    return { category: ct, positives, negatives, mutualInformation: categories.map((ci) => positions.map((p) => counts.mutualInformation(ct, ci, p))) };
  });
  return { categories, positions, targets };
}

/** Ground truth over the given sample sets, in order (their order decides ties among top categories). */
export function groundTruthCorrelation(
  samples: readonly SequenceSamples[],
  categoryVocabulary: number,
  options: GroundTruthOptions = {},
): GroundTruthCorrelation {
  const counts = new CorrelationCounts(categoryVocabulary, options.positions ?? 10);
  for (const s of samples) counts.add(s);
  return correlationMatrices(counts, options);
}
