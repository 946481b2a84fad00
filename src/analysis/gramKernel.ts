/**
 * The inner loops of the Gram, on a block of up to `capacity` rows held as float64 in the kernel's
 * own memory. Rows are stored with a padded stride (`stride` >= K, a multiple of 4, the padding
 * zero) so the WebAssembly kernel can work on 4 x 4 tiles of G; G is stride x stride.
 */
export interface GramKernel {
  /** Rows per block. */
  readonly capacity: number;
  /** Doubles between consecutive rows of `x` and of `upper` (K rounded up to a multiple of 4). */
  readonly stride: number;
  /** capacity x stride rows, row-major; columns K..stride stay zero. */
  readonly x: Float64Array;
  /** Per row converted by `convert`: the sum of squares of its values. */
  readonly sumSq: Float64Array;
  /** Per row converted by `convert`: 0, or NaN when the row holds NaN or +-Inf. */
  readonly poison: Float64Array;
  /** Staging for `convert`: capacity x K float32 or float64 values, row-major, unpadded. */
  readonly in32: Float32Array;
  readonly in64: Float64Array;
  /** stride x stride row-major sums; j >= i is updated (below the diagonal may hold anything: ignore it). */
  readonly upper: Float64Array;
  /** Column sums (stride long). */
  readonly colSum: Float64Array;
  /** Rows 0..n of in32 (f64: in64) into x rows `at`..at+n, with their sumSq and poison. */
  convert(n: number, at: number, f64: boolean): void;
  /** upper += x[0..n)^T x[0..n). */
  addRows(n: number): void;
  /** colSum += the column sums of x[0..n). */
  addColumns(n: number): void;
}

/** Rows per block at most (fewer for wide tables): the block of a 64-wide table (32 KiB of float64) stays in the L1 cache while its tiles are summed. */
export const BLOCK_ROWS = 64;

/** Rows per block for a padded stride: about 32 KiB of float64 rows, between 16 and BLOCK_ROWS. */
export const blockCapacity = (stride: number) => Math.max(16, Math.min(BLOCK_ROWS, Math.floor(4096 / stride)));

/** K rounded up to a multiple of 4. */
export const paddedStride = (k: number) => Math.ceil(k / 4) * 4;

/** The kernel in plain JS, for engines without WebAssembly SIMD: the same block, two G rows per pass (register blocking). */
export function jsGramKernel(k: number, rows?: number): GramKernel {
  const stride = paddedStride(k);
  const capacity = rows ?? blockCapacity(stride);
  const x = new Float64Array(capacity * stride);
  const g = new Float64Array(stride * stride);
  const colSum = new Float64Array(stride);
  const sumSq = new Float64Array(capacity);
  const poison = new Float64Array(capacity);
  const in32 = new Float32Array(capacity * k);
  const in64 = new Float64Array(capacity * k);
  return {
    capacity,
    stride,
    x,
    sumSq,
    poison,
    in32,
    in64,
    upper: g,
    colSum,
    convert(n, at, f64) {
      const src = f64 ? in64 : in32;
      for (let r = 0; r < n; r++) {
        const s = r * k;
        const d = (at + r) * stride;
        let sq = 0;
        let pz = 0;
        for (let j = 0; j < k; j++) {
          const v = src[s + j];
          x[d + j] = v;
          sq += v * v;
          pz += v - v;
        }
        sumSq[at + r] = sq;
        poison[at + r] = pz;
      }
    },
    addRows(n) {
      for (let i = 0; i < k; i += 2) {
        const two = i + 1 < k;
        let ga = i * stride + i;
        let gb = (i + 1) * stride + i;
        for (let j = i; j < k; j++, ga++, gb++) {
          let sa = 0;
          let sb = 0;
          for (let r = 0, o = 0; r < n; r++, o += stride) {
            const v = x[o + j];
            sa += x[o + i] * v;
            if (two) sb += x[o + i + 1] * v;
          }
          g[ga] += sa;
          if (two) g[gb] += sb;
        }
      }
    },
    addColumns(n) {
      for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) colSum[j] += x[r * stride + j];
    },
  };
}
