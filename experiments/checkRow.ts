/** One line of `npm run experiments:check`: a measured quantity against its stated target. */
export interface CheckRow {
  /** What was measured, e.g. "synthetic-ctr-tiny · dcnv2 · test AUC vs Bayes" or "multi-embedding at 4x · mean IA". */
  name: string;
  /** The measurement as printed, e.g. "0.751 vs 0.763 (gap 0.012) in 21 s" or "+0.31 ± 0.08, 5/5 seeds". */
  measured: string;
  /** The target as printed, e.g. "gap <= 0.02 in <= 30 s" or ">= 4/5 seeds, margin > spread". */
  target: string;
  pass: boolean;
}
