import { ImportError } from '../data/importError.ts';
import { timesPow2, type GramAccumulator } from './gramAccumulator.ts';
import { symmetricEigenvalues } from './symmetricEigen.ts';
import type { FieldResult } from '../contracts/tables.ts';

/**
 * Singular values of the accumulated rows from their Gram matrix: sqrt(max(0, eigenvalue)),
 * descending, length min(rows, dim). Tiny negative eigenvalues are rounding error of a
 * rank-deficient Gram and clamp to 0.
 */
export function singularValuesFromGram(gram: Float64Array, dim: number, rows: number): number[] {
  const eig = symmetricEigenvalues(gram, dim);
  const n = Math.min(rows, dim);
  const sv: number[] = [];
  for (let i = 0; i < n; i++) sv.push(Math.sqrt(Math.max(0, eig[i])));
  return sv;
}

/**
 * s_i / s_1 zero-padded to dim. A table of all-zero rows has no spectrum: its singular values
 * are all 0, and this returns all zeros (and informationAbundance / effectiveRank return 0).
 */
export function normalizedSpectrum(sv: number[], dim: number): number[] {
  const out = new Array<number>(dim).fill(0);
  const top = maxOf(sv);
  if (top > 0) for (let i = 0; i < Math.min(sv.length, dim); i++) out[i] = sv[i] / top;
  return out;
}

/** IA = sum_i s_i / max_i s_i, in [1, K]; 0 for an all-zero table (no spectrum). */
export function informationAbundance(sv: number[]): number {
  const top = maxOf(sv);
  return top > 0 ? sum(sv) / top : 0;
}

/** RankMe effective rank exp(H(p)), p_i = s_i / sum_j s_j; 0 for an all-zero table. */
export function effectiveRank(sv: number[]): number {
  const total = sum(sv);
  if (!(total > 0)) return 0;
  let entropy = 0;
  for (const s of sv) {
    if (s > 0) {
      const p = s / total;
      entropy -= p * Math.log(p);
    }
  }
  return Math.exp(entropy);
}

/** The result of one field from its accumulated Gram. */
export function fieldResult(name: string, acc: GramAccumulator): FieldResult {
  // Ratios (spectrum, IA, effective rank) from the singular values as summed, at the accumulator's
  // power-of-two scale: 1e308-sized values would make their sum overflow.
  const scaled = singularValuesFromGram(acc.gram(), acc.dim, acc.rows);
  const result: FieldResult = {
    name,
    rows: acc.rows,
    dim: acc.dim,
    singular_values: scaled.map((s) => timesPow2(s, acc.gramScaleExp)),
    normalized_spectrum: normalizedSpectrum(scaled, acc.dim),
    information_abundance: informationAbundance(scaled),
    effective_rank: effectiveRank(scaled),
    excluded_rows: acc.excludedRows,
  };
  const numbers = [...result.singular_values, ...result.normalized_spectrum, result.information_abundance, result.effective_rank];
  if (!numbers.every(Number.isFinite)) {
    throw new ImportError(
      'too-large',
      `Field "${name}" has values so large that its singular values exceed the largest float64 number (~1.8e308).`,
      'Rescale the table (divide it by a constant: the spectrum s_i/s_1 and IA do not change), or use the RecScope recipe, which normalises every row.',
    );
  }
  return result;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function maxOf(xs: number[]): number {
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return m;
}
