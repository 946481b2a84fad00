/** Seeds of one effect, summarised: mean, spread, how many seeds point the paper's way, and whether it holds. */

export interface EffectSummary {
  /** Per-seed effect sizes, in seed order. */
  values: number[];
  mean: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  sd: number;
  /** Seeds whose effect points the paper's way (past `threshold` in the sign of `direction`). */
  agree: number;
  seeds: number;
  /** At least 4 of 5 seeds (80 %, rounded up) agree and the mean is past the threshold by more than the seed spread (sd). */
  holds: boolean;
}

export function summarizeEffect(values: readonly number[], direction: 1 | -1, threshold = 0): EffectSummary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const agree = values.filter((v) => (v - threshold) * direction > 0).length;
  return { values: [...values], mean, sd, agree, seeds: n, holds: agree >= Math.ceil(0.8 * n) && (mean - threshold) * direction > sd };
}

/** "+0.031 ± 0.008, 5/5 seeds" (a difference), or "0.754 ± 0.023, 5/5 seeds" (a level held to a threshold). */
export function formatEffect(s: EffectSummary, digits = 3, threshold = 0): string {
  const sign = threshold !== 0 ? '' : s.mean >= 0 ? '+' : '−';
  return `${sign}${Math.abs(s.mean).toFixed(digits)} ± ${s.sd.toFixed(digits)}, ${s.agree}/${s.seeds} seeds`;
}
