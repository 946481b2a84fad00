/**
 * Numeric columns of a CSV as categorical fields: one token per bucket, not per distinct value.
 *
 * A column is numeric when every non-empty cell is a number and either one of them is written
 * with a decimal point or exponent ("260.0", as pandas writes an integer column holding NaN), or
 * the column is named like Criteo's counts (I1..I13). Integer ids ("874257") stay categorical.
 *
 * Counts (every value a whole number) follow Criteo's log-squared rule, as the Criteo winners'
 * preprocessing (Juan et al., libffm) and FuxiCTR's criteo `convert_to_bucket` do: v > 2 ->
 * floor(ln(v)^2). Values up to 2 are kept apart as v - 2, as in pytorch-fm's CriteoDataset
 * (the Multi-Embedding code's loader, criteo.ts), so the two ranges never share a token.
 * Columns holding fractions (FuxiCTR's numerical_* in [0, 1], prices) would fall almost wholly
 * into one log-squared bucket; they get ten equal-frequency buckets (deciles of the file's values)
 * instead. Empty cells stay a token of their own.
 */
import { MISSING_TOKEN } from './vocab.ts';

export type BucketRule = 'log-squared' | 'deciles';

export interface BucketedColumn {
  name: string;
  rule: BucketRule;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const CRITEO_COUNT_NAME = /^I\d+$/;
const DECILES = 10;

export function isNumberCell(cell: string): boolean {
  return NUMBER.test(cell);
}

/** Criteo's log-squared token of a number (a fraction up to 2 is floored first). */
export function logSquaredToken(v: number): string {
  return v > 2 ? String(Math.floor(Math.log(v) ** 2)) : String(Math.floor(v) - 2);
}

/** The rule a column's distinct values call for, or null when the column stays categorical. */
export function numericRule(name: string, tokens: readonly string[]): BucketRule | null {
  let decimal = false;
  let fraction = false;
  let values = 0;
  for (const t of tokens) {
    if (t === MISSING_TOKEN) continue;
    if (!NUMBER.test(t)) return null;
    values++;
    if (/[.eE]/.test(t)) decimal = true;
    if (!Number.isInteger(Number(t))) fraction = true;
  }
  if (values === 0 || !(decimal || CRITEO_COUNT_NAME.test(name))) return null;
  return fraction ? 'deciles' : 'log-squared';
}

/**
 * The bucket token of each distinct value. `counts[i]` is how often tokens[i] occurs: deciles
 * split the file's rows (not its distinct values) into ten groups of about equal size, a value
 * never split across two; a bucket is named by its decile ("d0".."d9").
 */
export function bucketTokens(rule: BucketRule, tokens: readonly string[], counts: readonly number[]): string[] {
  if (rule === 'log-squared') return tokens.map((t) => (t === MISSING_TOKEN ? MISSING_TOKEN : logSquaredToken(Number(t))));
  const order = tokens
    .map((_, i) => i)
    .filter((i) => tokens[i] !== MISSING_TOKEN)
    .sort((a, b) => Number(tokens[a]) - Number(tokens[b]));
  const total = order.reduce((s, i) => s + counts[i], 0);
  const out = tokens.map(() => MISSING_TOKEN);
  let before = 0;
  for (const i of order) {
    out[i] = `d${Math.min(DECILES - 1, Math.floor((DECILES * (before + counts[i] / 2)) / total))}`;
    before += counts[i];
  }
  return out;
}
