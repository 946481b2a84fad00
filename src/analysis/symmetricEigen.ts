import { householderQlEigenvalues } from './householderQl.ts';
import { jacobiEigenvalues } from './jacobiEigen.ts';

/**
 * Up to this size cyclic Jacobi, above it Householder + QL. Measured (bench/eigenBench.ts, Node,
 * same matrices): the two cost the same, ~0.02-0.1 ms, up to K = 12-16; from K = 16 on Householder
 * + QL is faster, 4x at 32, ~25x at 64, ~30x at 128-256 (Jacobi 0.3 s at 256). Both are within
 * 2e-15 x lambda_max of the exact eigenvalues (mpmath, test/eigen/reference.json) on Grams whose
 * smallest eigenvalues are 1e-8 of the largest, as LAPACK's are; Jacobi is ~4x closer still, and
 * costs nothing at these sizes, so it keeps them.
 */
export const JACOBI_MAX_N = 16;

/**
 * Eigenvalues of a real symmetric n x n matrix (row-major; only the upper triangle is read),
 * in descending order: cyclic Jacobi up to JACOBI_MAX_N, Householder + QL above, both in float64
 * and backward stable (every eigenvalue within a few ulps of the largest: an eigenvalue 1e-8 of
 * the largest keeps ~8 significant digits, as with LAPACK's dsyevd). The input is not modified.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length < n * n) throw new RangeError(`matrix holds ${a.length} values, fewer than ${n} x ${n}`);
  if (n > JACOBI_MAX_N) {
    for (let i = 0; i < n * n; i++) if (!Number.isFinite(a[i])) throw new RangeError('matrix has non-finite entries');
    return sortDescending(householderQlEigenvalues(a, n));
  }
  return sortDescending(jacobiEigenvalues(a, n));
}

function sortDescending(d: Float64Array): Float64Array {
  return d.sort().reverse();
}
