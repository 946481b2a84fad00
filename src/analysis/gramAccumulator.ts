import { jsGramKernel, KERNEL_ROWS } from './gramKernel.ts';
import { wasmGramKernel } from './gramKernelWasm.ts';
import type { SpectrumMode } from './types.ts';

/** Rows folded into G together: each G entry is loaded and stored once per group. */
const GROUP = KERNEL_ROWS;
/** RecScope's row normalisation e / (||e||_2 + 1e-8). */
const NORM_EPS = 1e-8;

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
}

/**
 * Streams row blocks of a K-dim table into the float64 Gram matrix G = E^T E of the
 * mode-transformed rows. Memory is O(K^2) whatever the number of rows.
 */
export class GramAccumulator {
  readonly dim: number;
  readonly mode: SpectrumMode;
  rows = 0;
  excludedRows = 0;
  private readonly upper: Float64Array;
  private readonly colSum: Float64Array;
  /** GROUP transformed rows, contiguous, waiting for the rank-GROUP update. */
  private readonly scratch: Float64Array;
  /** The rank-GROUP update of upper from scratch: WebAssembly SIMD where the engine has it, else JS. */
  private readonly updateUpper: () => void;

  constructor(dim: number, mode: SpectrumMode) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.mode = mode;
    this.colSum = new Float64Array(dim);
    const kernel = wasmGramKernel(dim) ?? jsGramKernel(dim);
    this.upper = kernel.upper;
    this.scratch = kernel.x;
    this.updateUpper = kernel.addGroup;
  }

  static fromState(state: GramState): GramAccumulator {
    const acc = new GramAccumulator(state.dim, state.mode);
    acc.upper.set(state.upper);
    acc.colSum.set(state.colSum);
    acc.rows = state.rows;
    acc.excludedRows = state.excludedRows;
    return acc;
  }

  /** A copy of the running sums. */
  state(): GramState {
    return {
      dim: this.dim,
      mode: this.mode,
      rows: this.rows,
      excludedRows: this.excludedRows,
      upper: this.upper.slice(),
      colSum: this.colSum.slice(),
    };
  }

  /** Adds the sums of another accumulator's state (same dim and mode). */
  addState(other: GramState): void {
    if (other.dim !== this.dim || other.mode !== this.mode) {
      throw new Error(`cannot merge Grams of dim ${other.dim}/${other.mode} into ${this.dim}/${this.mode}`);
    }
    for (let i = 0; i < this.upper.length; i++) this.upper[i] += other.upper[i];
    for (let j = 0; j < this.dim; j++) this.colSum[j] += other.colSum[j];
    this.rows += other.rows;
    this.excludedRows += other.excludedRows;
  }

  /** Adds `rows` rows of `block` (row-major, rows x dim). Rows holding NaN or Inf are skipped and counted. */
  add(block: Float32Array | Float64Array, rows: number): void {
    const k = this.dim;
    if (block.length < rows * k) {
      throw new RangeError(`block holds ${block.length} values, fewer than ${rows} rows x ${k}`);
    }
    const x = this.scratch;
    const normalise = this.mode === 'recscope';
    let pending = 0;
    for (let r = 0; r < rows; r++) {
      const src = r * k;
      const dst = pending * k;
      let sumSq = 0;
      // v * 0 is NaN exactly when v is NaN or +-Inf, so one compare per row finds them.
      let poison = 0;
      for (let j = 0; j < k; j++) {
        const v = block[src + j];
        x[dst + j] = v;
        sumSq += v * v;
        poison += v * 0;
      }
      if (poison !== 0) {
        this.excludedRows++;
        continue;
      }
      if (normalise) {
        const scale = 1 / (Math.sqrt(sumSq) + NORM_EPS);
        for (let j = 0; j < k; j++) x[dst + j] *= scale;
      }
      pending++;
      if (pending === GROUP) {
        this.addGroup();
        pending = 0;
      }
    }
    for (let p = 0; p < pending; p++) this.addOne(p * k);
  }

  /** G = sum of x x^T over accumulated rows, full K x K; for 'centered' G - s s^T / n with s the column sums. */
  gram(): Float64Array {
    const k = this.dim;
    const g = new Float64Array(k * k);
    const centre = this.mode === 'centered' && this.rows > 0;
    const s = this.colSum;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        let v = this.upper[i * k + j];
        if (centre) v -= (s[i] * s[j]) / this.rows;
        g[i * k + j] = v;
        g[j * k + i] = v;
      }
    }
    return g;
  }

  /** Folds the GROUP rows in scratch into the sums. */
  private addGroup(): void {
    this.updateUpper();
    if (this.mode === 'centered') {
      const k = this.dim;
      const x = this.scratch;
      const s = this.colSum;
      for (let j = 0; j < k; j++) {
        s[j] += x[j] + x[k + j] + x[2 * k + j] + x[3 * k + j] + x[4 * k + j] + x[5 * k + j] + x[6 * k + j] + x[7 * k + j];
      }
    }
    this.rows += GROUP;
  }

  /** Rank-1 update from the row at scratch[off..off+K). */
  private addOne(off: number): void {
    const k = this.dim;
    const x = this.scratch;
    const g = this.upper;
    for (let i = 0; i < k; i++) {
      const a = x[off + i];
      let gi = i * k + i;
      for (let j = i; j < k; j++, gi++) g[gi] += a * x[off + j];
    }
    if (this.mode === 'centered') {
      const s = this.colSum;
      for (let j = 0; j < k; j++) s[j] += x[off + j];
    }
    this.rows++;
  }
}

/** Sums two accumulators of the same dim and mode (chunk Grams from several workers). */
export function mergeGram(a: GramAccumulator | GramState, b: GramAccumulator | GramState): GramAccumulator {
  const sa = a instanceof GramAccumulator ? a.state() : a;
  const sb = b instanceof GramAccumulator ? b.state() : b;
  const merged = GramAccumulator.fromState(sa);
  merged.addState(sb);
  return merged;
}
