/** Seeded random matrices with known spectra, for the analysis tests. */
import { createRng } from '../../src/data/ctr/prng.ts';

/** A seeded uniform generator on [0, 1) (the project's mulberry32). */
export const seededRandom = (seed: number): (() => number) => createRng(seed).next;

export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * `count` orthonormal columns of length n (returned as count rows of length n), by modified
 * Gram-Schmidt on random vectors, each also made orthogonal to the `avoid` unit vectors.
 */
export function orthonormalVectors(n: number, count: number, rand: () => number, avoid: Float64Array[] = []): Float64Array[] {
  const basis: Float64Array[] = [...avoid];
  const out: Float64Array[] = [];
  while (out.length < count) {
    const v = Float64Array.from({ length: n }, () => gaussian(rand));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * b[i];
        for (let i = 0; i < n; i++) v[i] -= dot * b[i];
      }
    }
    let sq = 0;
    for (let i = 0; i < n; i++) sq += v[i] * v[i];
    const norm = Math.sqrt(sq);
    if (norm < 1e-8) continue;
    for (let i = 0; i < n; i++) v[i] /= norm;
    basis.push(v);
    out.push(v);
  }
  return out;
}

/** Q diag(eigenvalues) Q^T with Q a random orthogonal n x n matrix, row-major. */
export function symmetricWithEigenvalues(eigenvalues: number[], rand: () => number): Float64Array {
  const n = eigenvalues.length;
  const q = orthonormalVectors(n, n, rand);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += q[k][i] * eigenvalues[k] * q[k][j];
      a[i * n + j] = v;
    }
  }
  // exact symmetry, as a Gram would have
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  return a;
}

/**
 * A rows x dim table (row-major) with singular values `sv` (length <= min(rows, dim)):
 * U diag(sv) V^T. With `centredMean`, U is orthogonal to the all-ones vector and the mean
 * row is added, so the centred table has exactly these singular values.
 */
export function tableWithSingularValues(rows: number, dim: number, sv: number[], rand: () => number, centredMean?: number[]): Float64Array {
  const ones = new Float64Array(rows).fill(1 / Math.sqrt(rows));
  const u = orthonormalVectors(rows, sv.length, rand, centredMean ? [ones] : []);
  const v = orthonormalVectors(dim, sv.length, rand);
  const e = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      let x = centredMean ? centredMean[c] : 0;
      for (let k = 0; k < sv.length; k++) x += u[k][r] * sv[k] * v[k][c];
      e[r * dim + c] = x;
    }
  }
  return e;
}

/** E^T E by the textbook triple loop (the slow, obviously right reference). */
export function naiveGram(e: ArrayLike<number>, rows: number, dim: number): Float64Array {
  const g = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) g[i * dim + j] += e[r * dim + i] * e[r * dim + j];
  }
  return g;
}
