/**
 * Eigenvalues of a real symmetric matrix by Householder reduction to tridiagonal form, then the
 * implicit QL method with Wilkinson shifts (EISPACK tred1 + tql1, after Numerical Recipes' tred2
 * and tqli without eigenvectors). 4n³/3 flops, ~30x fewer than cyclic Jacobi's sweeps: a
 * 1024 x 1024 Gram in ~1-2 s instead of ~45 s. Backward stable: every eigenvalue is exact to a
 * few ulps of the largest (Jacobi also gives small ones to high relative accuracy, which is why
 * it stays in use for small matrices).
 */

/** A row-major symmetric n x n matrix (upper triangle read); its eigenvalues in no particular order. */
export function householderQlEigenvalues(a: Float64Array, n: number): Float64Array {
  // Work on the lower triangle of a copy, as the reduction below expects.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = a[j * n + i];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(m, n, d, e);
  implicitQl(d, e, n);
  return d;
}

/** Householder reduction of the lower triangle of m to a tridiagonal matrix: diagonal d, subdiagonal e[1..n-1]. */
function tridiagonalize(m: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    const row = i * n;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(m[row + k]);
      if (scale === 0) {
        e[i] = m[row + l];
      } else {
        for (let k = 0; k <= l; k++) {
          m[row + k] /= scale;
          h += m[row + k] * m[row + k];
        }
        let f = m[row + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        m[row + l] = f - g;
        // e = (A u) / h over the lower triangle of the leading (l+1) x (l+1) block, row by row:
        // row j gives (A u)_j's part left of the diagonal, and adds u_j times itself to the entries
        // above it (their part below the diagonal), so every read is along a row.
        for (let j = 0; j <= l; j++) e[j] = 0;
        for (let j = 0; j <= l; j++) {
          const rowJ = j * n;
          const uj = m[row + j];
          g = 0;
          for (let k = 0; k < j; k++) {
            const ajk = m[rowJ + k];
            g += ajk * m[row + k];
            e[k] += ajk * uj;
          }
          e[j] += g + m[rowJ + j] * uj;
        }
        f = 0;
        for (let j = 0; j <= l; j++) {
          e[j] /= h;
          f += e[j] * m[row + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = m[row + j];
          g = e[j] - hh * f;
          e[j] = g;
          const rowJ = j * n;
          for (let k = 0; k <= j; k++) m[rowJ + k] -= f * e[k] + g * m[row + k];
        }
      }
    } else {
      e[i] = m[row + l];
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = m[i * n + i];
}

/** Eigenvalues of the symmetric tridiagonal matrix (d, e[1..n-1]) into d, by implicit QL with shifts. */
function implicitQl(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter === MAX_QL_ITERATIONS) throw new RangeError(`the QL iteration did not converge for eigenvalue ${l + 1}`);
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix splits here; deflate and start again.
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Per eigenvalue; QL converges in 1-2 iterations each on average. */
const MAX_QL_ITERATIONS = 60;
