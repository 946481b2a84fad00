/**
 * Gram of row chunks as a float32 matmul X^T X on the active tfjs backend, each chunk's K x K
 * result summed into float64 in JS. Faster than the JS loop only on a real GPU, and less exact
 * (float32 products and sums inside a chunk): see gramPolicy.ts for when it is used.
 */
import * as tf from '@tensorflow/tfjs';
import { GramAccumulator, type GramState } from '../analysis/gramAccumulator.ts';
import { normalizedSpectrum, singularValuesFromGram } from '../analysis/spectrum.ts';
import type { SpectrumMode } from '../contracts/tables.ts';

/** RecScope's row normalisation e / (||e||_2 + 1e-8), as in GramAccumulator. */
const NORM_EPS = 1e-8;

export interface TransformedRows {
  /** Kept rows, mode-transformed (row-normalised for 'recscope'), row-major kept x dim. */
  data: Float32Array;
  kept: number;
  excluded: number;
}

/** Drops rows holding NaN/Inf and applies the row normalisation of 'recscope'. */
export function transformRows(block: Float32Array | Float64Array, rows: number, dim: number, mode: SpectrumMode): TransformedRows {
  const out = new Float32Array(rows * dim);
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    const src = r * dim;
    let sumSq = 0;
    let poison = 0;
    for (let j = 0; j < dim; j++) {
      const v = block[src + j];
      sumSq += v * v;
      poison += v * 0;
    }
    if (poison !== 0) continue;
    const scale = mode === 'recscope' ? 1 / (Math.sqrt(sumSq) + NORM_EPS) : 1;
    const dst = kept * dim;
    for (let j = 0; j < dim; j++) out[dst + j] = block[src + j] * scale;
    kept++;
  }
  return { data: out.subarray(0, kept * dim), kept, excluded: rows - kept };
}

/** Streams blocks through tfjs matmuls; `state()` is a GramState the exact path can finish. */
export class BackendGramAccumulator {
  readonly dim: number;
  readonly mode: SpectrumMode;
  private readonly upper: Float64Array;
  private readonly colSum: Float64Array;
  private rows = 0;
  private excludedRows = 0;

  constructor(dim: number, mode: SpectrumMode) {
    this.dim = dim;
    this.mode = mode;
    this.upper = new Float64Array(dim * dim);
    this.colSum = new Float64Array(dim);
  }

  async add(block: Float32Array | Float64Array, rows: number): Promise<void> {
    const k = this.dim;
    const { data, kept, excluded } = transformRows(block, rows, k, this.mode);
    this.excludedRows += excluded;
    if (kept === 0) return;
    const g = tf.tidy(() => {
      const x = tf.tensor2d(data, [kept, k]);
      return tf.matMul(x, x, true, false);
    });
    try {
      const chunk = await g.data();
      for (let i = 0; i < k * k; i++) this.upper[i] += chunk[i];
    } finally {
      g.dispose();
    }
    if (this.mode === 'centered') {
      for (let r = 0; r < kept; r++) for (let j = 0; j < k; j++) this.colSum[j] += data[r * k + j];
    }
    this.rows += kept;
  }

  state(): GramState {
    return {
      dim: this.dim,
      mode: this.mode,
      rows: this.rows,
      excludedRows: this.excludedRows,
      upper: this.upper.slice(),
      colSum: this.colSum.slice(),
      // float32 values never need the float64 path's overflow scaling.
      scaleExp: 0,
      peak: 0,
    };
  }

  /** An exact-path accumulator holding these sums, for spectrum.ts's fieldResult. */
  toAccumulator(): GramAccumulator {
    return GramAccumulator.fromState(this.state());
  }
}

/**
 * Seeded rows with a planted spectrum of condition 1e4 (column j scaled by 10^(-4 j / (dim - 1))),
 * the case where float32 Grams start losing the smallest singular values (ENGINE-NOTES).
 */
function calibrationRows(rows: number, dim: number): Float32Array {
  const data = new Float32Array(rows * dim);
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = i % dim;
    data[i] = (seed / 2 ** 32 - 0.5) * 10 ** ((-4 * j) / Math.max(1, dim - 1));
  }
  return data;
}

export interface GramCalibration {
  backendMs: number;
  jsMs: number;
  /** Largest |s_i/s_1 (backend) - s_i/s_1 (float64)| on the calibration table. */
  spectrumError: number;
}

function spectrumOf(acc: GramAccumulator): number[] {
  return normalizedSpectrum(singularValuesFromGram(acc.gram(), acc.dim, acc.rows), acc.dim);
}

/** Times one warm chunk Gram both ways on the active backend and compares their spectra. */
export async function calibrateGram(rows = 32_768, dim = 64): Promise<GramCalibration> {
  const data = calibrationRows(rows, dim);
  const warm = data.subarray(0, 1024 * dim);
  await new BackendGramAccumulator(dim, 'raw').add(warm, 1024); // compiles the kernels
  new GramAccumulator(dim, 'raw').add(warm, 1024);
  const backend = new BackendGramAccumulator(dim, 'raw');
  let t0 = performance.now();
  await backend.add(data, rows);
  const backendMs = performance.now() - t0;
  const js = new GramAccumulator(dim, 'raw');
  t0 = performance.now();
  js.add(data, rows);
  const jsMs = performance.now() - t0;
  const a = spectrumOf(js);
  const b = spectrumOf(backend.toAccumulator());
  const spectrumError = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  return { backendMs, jsMs, spectrumError };
}
