import { householderQlEigenvalues } from './householderQl.ts';
import { jacobiEigenvalues } from './jacobiEigen.ts';

/**
 * Up to and including this size cyclic Jacobi, above it Householder + QL. Jacobi's 6-10 sweeps
 * cost ~4n³ flops each against Householder + QL's 4n³/3 in all; on the same matrices
 * (bench/eigenBench.ts) the two cost the same, ~0.02-0.1 ms, at n = 8-12, and Householder + QL
 * pulls ahead from n = 16, by a factor that grows with n (4x at 32). Both are within
 * 2e-15 x lambda_max of the exact eigenvalues (mpmath, test/eigen/reference.json) on Grams whose
 * smallest eigenvalues are 1e-8 of the largest, as LAPACK's are; Jacobi is closer still (4e-16)
 * and costs ~0.1 ms at most up to n = 16, so it keeps those sizes.
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
