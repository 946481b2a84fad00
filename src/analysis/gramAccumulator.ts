import { jsGramKernel, type GramKernel } from './gramKernel.ts';
import { wasmGramKernel } from './gramKernelWasm.ts';
import type { SpectrumMode } from '../contracts/tables.ts';

/** RecScope's row normalisation e / (||e||_2 + 1e-8). */
const NORM_EPS = 1e-8;
/**
 * Rows are summed as x * 2^-scaleExp, the power of two chosen so that no square overflows
 * (values near 1e200) and a table of tiny values (1e-200) does not underflow to an all-zero
 * Gram. A scaled row whose squared norm leaves [2^-600, 2^600] triggers a rescale; powers of
 * two scale exactly, and 2^600 x 2^400 rows stays below float64's 2^1024.
 */
const HIGH_SQ = 2 ** 600;
const MIN_SCALE_EXP = -1000;
const LOW_SQ = 2 ** -600;
/** Squared norms inside this range are computed directly; outside it the norm is taken by max-abs scaling. */
const SAFE_MAX_SQ = 2 ** 1000;
const SAFE_MIN_SQ = 2 ** -1000;

/** Everything needed to rebuild or merge an accumulator; plain data, survives postMessage. */
export interface GramState {
  dim: number;
  mode: SpectrumMode;
  rows: number;
  excludedRows: number;
  /** K x K row-major; only the upper triangle (j >= i) is meaningful. */
  upper: Float64Array;
  /** Column sums of the accumulated rows ('centered' needs them). */
  colSum: Float64Array;
  /** upper and colSum hold the sums of the rows times 2^-scaleExp (0 unless values are extreme). */
  scaleExp: number;
  /** The largest squared norm of a scaled row so far (0 when unknown: it only tells a table of tiny values). */
  peak: number;
}

/**
 * Streams row blocks of a K-dim table into the float64 Gram matrix G = E^T E of the
 * mode-transformed rows. Memory is O(K^2) whatever the number of rows.
 */
export class GramAccumulator {
  readonly dim: number;
  readonly mode: SpectrumMode;
  /** Rows summed into upper; `rows` adds those waiting in the block. */
  private summed = 0;
  excludedRows = 0;
  /** The accumulated rows are x * 2^-scaleExp (see HIGH_SQ). */
  private scaleExp = 0;
  private scale = 1;
  private peak = 0;
  /** The block kernel (WebAssembly SIMD where the engine has it, else JS): its memory holds the sums and the block of rows. */
  private readonly kernel: GramKernel;
  /** stride x stride sums; only j >= i, i, j < dim is meaningful. */
  private readonly upper: Float64Array;
  private readonly colSum: Float64Array;
  /** The block's transformed rows, kernel.stride apart. */
  private readonly scratch: Float64Array;
  private readonly stride: number;
  /**
   * Rows waiting in scratch for the block update. They stay there across add() calls, so the sums
   * depend only on the sequence of rows, not on how it was cut into blocks (shards equal the whole).
   */
  private pending = 0;

  /** Rows accumulated (excluded rows not counted). */
  get rows(): number {
    return this.summed + this.pending;
  }

  constructor(dim: number, mode: SpectrumMode) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.mode = mode;
    this.kernel = wasmGramKernel(dim) ?? jsGramKernel(dim);
    this.upper = this.kernel.upper;
    this.colSum = this.kernel.colSum;
    this.scratch = this.kernel.x;
    this.stride = this.kernel.stride;
  }

  static fromState(state: GramState): GramAccumulator {
    const acc = new GramAccumulator(state.dim, state.mode);
    const k = state.dim;
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) acc.upper[i * acc.stride + j] = state.upper[i * k + j];
    acc.colSum.set(state.colSum);
    acc.summed = state.rows;
    acc.excludedRows = state.excludedRows;
    acc.setScaleExp(state.scaleExp);
    acc.peak = state.peak;
    return acc;
  }

  /** A copy of the running sums. */
  state(): GramState {
    this.flush();
    return {
      dim: this.dim,
      mode: this.mode,
      rows: this.rows,
      excludedRows: this.excludedRows,
      upper: this.compactUpper(),
      colSum: this.colSum.slice(0, this.dim),
      scaleExp: this.scaleExp,
      peak: this.peak,
    };
  }

  /** The power of two the sums are scaled by: the singular values of the rows are sqrt(eig(gram())) x 2^scaleExp. */
  get gramScaleExp(): number {
    return this.scaleExp;
  }

  /** Adds the sums of another accumulator's state (same dim and mode). */
  addState(other: GramState): void {
    if (other.dim !== this.dim || other.mode !== this.mode) {
      throw new Error(`cannot merge Grams of dim ${other.dim}/${other.mode} into ${this.dim}/${this.mode}`);
    }
    this.flush();
    if (other.scaleExp > this.scaleExp) this.rescaleTo(other.scaleExp, 0);
    const shift = other.scaleExp - this.scaleExp;
    const f = 2 ** shift;
    const f2 = 2 ** (2 * shift);
    const k = this.dim;
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) this.upper[i * this.stride + j] += other.upper[i * k + j] * f2;
    for (let j = 0; j < this.dim; j++) this.colSum[j] += other.colSum[j] * f;
    this.peak = Math.max(this.peak, other.peak * f2);
    this.summed += other.rows;
    this.excludedRows += other.excludedRows;
  }

  /**
   * Adds `rows` rows of `block` (row-major, rows x dim). Rows holding NaN or Inf are skipped and counted.
   * The kernel converts each piece to float64 with every row's sum of squares and NaN/Inf flag; rows
   * are then checked one by one (exclusion, scaling, row normalisation) and summed a block at a time.
   */
  add(block: Float32Array | Float64Array, rows: number): void {
    const k = this.dim;
    if (block.length < rows * k) {
      throw new RangeError(`block holds ${block.length} values, fewer than ${rows} rows x ${k}`);
    }
    const kernel = this.kernel;
    const x = this.scratch;
    const stride = this.stride;
    const normalise = this.mode === 'recscope';
    const f64 = block instanceof Float64Array;
    for (let r = 0; r < rows;) {
      const at = this.pending;
      const piece = Math.min(rows - r, kernel.capacity - at);
      if (f64) kernel.in64.set(block.subarray(r * k, (r + piece) * k));
      else kernel.in32.set(block.subarray(r * k, (r + piece) * k));
      kernel.convert(piece, at, f64);
      let dst = at;
      for (let p = 0; p < piece; p++) {
        const row = at + p;
        if (kernel.poison[row] !== 0) {
          this.excludedRows++;
          continue;
        }
        const off = dst * stride;
        if (dst !== row) x.copyWithin(off, row * stride, row * stride + k);
        const sumSq = kernel.sumSq[row];
        const s = this.scale;
        // Squared norm of the row as it is summed (mode-transformed and scaled).
        let t: number;
        if (normalise) {
          const norm = sumSq >= SAFE_MIN_SQ && sumSq <= SAFE_MAX_SQ ? Math.sqrt(sumSq) : safeNorm(x, off, k);
          const f = s / (norm + NORM_EPS);
          for (let j = 0; j < k; j++) x[off + j] *= f;
          t = norm * f * (norm * f);
        } else {
          if (s !== 1) for (let j = 0; j < k; j++) x[off + j] *= s;
          t = sumSq * s * s;
        }
        const overflows = !(t <= HIGH_SQ);
        // t >= peak, not >: a row of tiny values has squares that underflow to t = 0.
        if (overflows || (t < LOW_SQ && t >= this.peak)) t = this.rescaleForRow(block, (r + p) * k, off, dst, overflows);
        if (t > this.peak) this.peak = t;
        dst++;
      }
      this.pending = dst;
      if (dst === kernel.capacity) this.flush();
      r += piece;
    }
  }

  /** G = sum of x x^T over accumulated rows, full K x K; for 'centered' G - s s^T / n with s the column sums. */
  gram(): Float64Array {
    this.flush();
    const k = this.dim;
    const g = new Float64Array(k * k);
    const centre = this.mode === 'centered' && this.rows > 0;
    const s = this.colSum;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        let v = this.upper[i * this.stride + j];
        if (centre) v -= (s[i] * s[j]) / this.rows;
        g[i * k + j] = v;
        g[j * k + i] = v;
      }
    }
    return g;
  }

  /**
   * A row whose scaled squared norm overflows, or a largest-so-far row that would underflow: pick
   * the power of two that brings this row's largest value near 1, rescale the sums and the rows
   * waiting in scratch to it, and write the row again from the block. Returns the row's squared norm.
   */
  private rescaleForRow(block: Float32Array | Float64Array, src: number, dst: number, pending: number, overflows: boolean): number {
    const k = this.dim;
    const x = this.scratch;
    // The mode-transformed row without scaling: raw values, or v / (||v|| + eps), whose entries are at most 1.
    for (let j = 0; j < k; j++) x[dst + j] = block[src + j];
    if (this.mode === 'recscope') {
      const f = 1 / (safeNorm(x, dst, k) + NORM_EPS);
      for (let j = 0; j < k; j++) x[dst + j] *= f;
    }
    let top = 0;
    for (let j = 0; j < k; j++) top = Math.max(top, Math.abs(x[dst + j]));
    if (top > 0) {
      // Clamped so the scale 2^-exp is itself a float64: subnormal values (below 2^-1022) end up near 2^-27, still exact.
      const exp = Math.max(MIN_SCALE_EXP, Math.ceil(Math.log2(top)));
      if (overflows ? exp > this.scaleExp : exp < this.scaleExp) this.rescaleTo(exp, pending);
    }
    let t = 0;
    for (let j = 0; j < k; j++) {
      const v = timesPow2(x[dst + j], -this.scaleExp);
      x[dst + j] = v;
      t += v * v;
    }
    return t;
  }

  /** Sums and the first `pending` scratch rows from 2^-scaleExp to 2^-exp. */
  private rescaleTo(exp: number, pending: number): void {
    const shift = this.scaleExp - exp;
    for (let i = 0; i < this.upper.length; i++) this.upper[i] = timesPow2(this.upper[i], 2 * shift);
    for (let j = 0; j < this.dim; j++) this.colSum[j] = timesPow2(this.colSum[j], shift);
    for (let i = 0; i < pending * this.stride; i++) this.scratch[i] = timesPow2(this.scratch[i], shift);
    this.peak = timesPow2(this.peak, 2 * shift);
    this.setScaleExp(exp);
  }

  private setScaleExp(exp: number): void {
    this.scaleExp = exp;
    this.scale = timesPow2(1, -exp);
  }

  /** Folds the rows waiting in scratch into the sums. */
  private flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.kernel.addRows(n);
    if (this.mode === 'centered') this.kernel.addColumns(n);
    this.summed += n;
    this.pending = 0;
  }

  /** The upper triangle, dim x dim (zero below the diagonal). */
  private compactUpper(): Float64Array {
    const k = this.dim;
    const out = new Float64Array(k * k);
    for (let i = 0; i < k; i++) out.set(this.upper.subarray(i * this.stride + i, i * this.stride + k), i * k + i);
    return out;
  }
}

/** ||x[off..off+k)||_2 without overflow or underflow of the squares. */
function safeNorm(x: Float64Array, off: number, k: number): number {
  let top = 0;
  for (let j = 0; j < k; j++) top = Math.max(top, Math.abs(x[off + j]));
  if (top === 0) return 0;
  let sumSq = 0;
  for (let j = 0; j < k; j++) {
    const r = x[off + j] / top;
    sumSq += r * r;
  }
  return top * Math.sqrt(sumSq);
}

/** x * 2^exp for any integer exp, in two steps so neither factor overflows (2^-1100 or 2^1100 alone is 0 or Inf). */
export function timesPow2(x: number, exp: number): number {
  const half = Math.trunc(exp / 2);
  return x * 2 ** half * 2 ** (exp - half);
}

/** Sums two accumulators of the same dim and mode (chunk Grams from several workers). */
export function mergeGram(a: GramAccumulator | GramState, b: GramAccumulator | GramState): GramAccumulator {
  const sa = a instanceof GramAccumulator ? a.state() : a;
  const sb = b instanceof GramAccumulator ? b.state() : b;
  const merged = GramAccumulator.fromState(sa);
  merged.addState(sb);
  return merged;
}
