/**
 * Ill-conditioned symmetric matrices shaped like the Grams of collapsed embedding tables, for the
 * eigensolver accuracy test (src/analysis/symmetricEigen.test.ts) and bench/eigenBench.ts. Their
 * float64 references (numpy eigvalsh, and mpmath at 40 digits) are in test/eigen/reference.json,
 * made by scripts/eigenReference.ts; `checksum` tells whether a case still builds the same matrix.
 */
import { naiveGram, seededRandom, symmetricWithEigenvalues, tableWithSingularValues } from './testMatrices.ts';

export interface EigenCase {
  name: string;
  n: number;
  /** Row-major n x n, exactly symmetric. */
  matrix: Float64Array;
}

export const EIGEN_CASE_SIZES = [64, 128, 256];

/** A Kahan-summed fingerprint of the entries, weighted by position (catches reordering too). */
export function checksum(a: Float64Array): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    const y = a[i] * (1 + (i % 7) / 8) - c;
    const t = s + y;
    c = t - s - y;
    s = t;
  }
  return s;
}

/** The four cases at size n. */
export function eigenCases(n: number): EigenCase[] {
  const geometric = Array.from({ length: n }, (_, i) => 10 ** ((-8 * i) / (n - 1)));
  // A collapsed spectrum: four directions carry the table, the rest is a cluster near 1e-8.
  const collapsed = Array.from({ length: n }, (_, i) => (i < 4 ? [1, 0.5, 0.25, 0.1][i] : 1e-8 * (1 + i / n)));
  // Rank-deficient: the last quarter exactly zero (a Gram of fewer independent rows than columns).
  const deficient = Array.from({ length: n }, (_, i) => (i < (3 * n) / 4 ? 10 ** ((-6 * i) / n) : 0));
  // The Gram, in float64, of a float32 table of 2n rows whose singular values fall from 1 to 1e-4.
  const sv = Array.from({ length: n }, (_, i) => 10 ** ((-4 * i) / (n - 1)));
  const table = tableWithSingularValues(2 * n, n, sv, seededRandom(4000 + n)).map(Math.fround);
  return [
    { name: `geometric-1e-8-${n}`, n, matrix: symmetricWithEigenvalues(geometric, seededRandom(1000 + n)) },
    { name: `collapsed-1e-8-${n}`, n, matrix: symmetricWithEigenvalues(collapsed, seededRandom(2000 + n)) },
    { name: `rank-deficient-${n}`, n, matrix: symmetricWithEigenvalues(deficient, seededRandom(3000 + n)) },
    { name: `float32-table-gram-${n}`, n, matrix: naiveGram(table, 2 * n, n) },
  ];
}
