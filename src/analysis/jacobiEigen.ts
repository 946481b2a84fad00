/**
 * Eigenvalues of a real symmetric n x n matrix (row-major; only the upper triangle is read) by
 * cyclic Jacobi in float64 with Rutishauser's thresholds, in no particular order. Backward stable,
 * and for a positive definite matrix each eigenvalue is accurate relative to itself (Demmel and
 * Veselic), not only to the largest; ~n^3 flops per sweep and 6-10 sweeps, so it is slow above
 * n ~ 64 (see symmetricEigen.ts). The input is not modified.
 */
const MAX_SWEEPS = 100;

export function jacobiEigenvalues(a: Float64Array, n: number): Float64Array {
  const m = a.slice(0, n * n);
  const d = new Float64Array(n);
  const b = new Float64Array(n);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = m[i * n + i];
    b[i] = d[i];
  }

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) off += Math.abs(m[p * n + q]);
    if (off === 0) return d;
    if (!Number.isFinite(off)) throw new RangeError('matrix has non-finite entries');
    // Early sweeps only rotate the large elements.
    const threshold = sweep < 3 ? (0.2 * off) / (n * n) : 0;

    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        const g = 100 * Math.abs(apq);
        // After a few sweeps, an element too small to change either diagonal entry is set to zero.
        if (sweep > 3 && Math.abs(d[p]) + g === Math.abs(d[p]) && Math.abs(d[q]) + g === Math.abs(d[q])) {
          m[p * n + q] = 0;
          continue;
        }
        if (Math.abs(apq) <= threshold) continue;

        const h = d[q] - d[p];
        let t: number;
        if (Math.abs(h) + g === Math.abs(h)) {
          t = apq / h;
        } else {
          const theta = (0.5 * h) / apq;
          t = 1 / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
          if (theta < 0) t = -t;
        }
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        const tau = s / (1 + c);
        const shift = t * apq;
        z[p] -= shift;
        z[q] += shift;
        d[p] -= shift;
        d[q] += shift;
        m[p * n + q] = 0;
        for (let j = 0; j < p; j++) rotate(m, j * n + p, j * n + q, s, tau);
        for (let j = p + 1; j < q; j++) rotate(m, p * n + j, j * n + q, s, tau);
        for (let j = q + 1; j < n; j++) rotate(m, p * n + j, q * n + j, s, tau);
      }
    }
    for (let i = 0; i < n; i++) {
      b[i] += z[i];
      d[i] = b[i];
      z[i] = 0;
    }
  }
  throw new Error(`Jacobi eigenvalue iteration did not converge in ${MAX_SWEEPS} sweeps`);
}

function rotate(m: Float64Array, ij: number, kl: number, s: number, tau: number): void {
  const g = m[ij];
  const h = m[kl];
  m[ij] = g - s * (h + g * tau);
  m[kl] = h + s * (g - h * tau);
}
