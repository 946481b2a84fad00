/** Grams of row-normalised embedding rows on the tfjs backend, finished in float64 in JS. */
import * as tf from '@tensorflow/tfjs';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { fieldResult } from '../analysis/spectrum.ts';
import type { FieldResult } from '../contracts/tables.ts';

/** RecScope's row normalisation e / (||e||_2 + 1e-8), as in GramAccumulator. */
const NORM_EPS = 1e-8;

/** x^T x of the row-normalised rows over the last two axes: [..., N, K] to [..., K, K]. */
export function normalisedGram(rows: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const norms = tf.add(tf.sqrt(tf.sum(tf.square(rows), -1, true)), NORM_EPS);
    const x = tf.div(rows, norms);
    return tf.matMul(x, x, true, false);
  });
}

/** Largest row count per backend Gram so a chunk's transient copies stay near 16 MB. */
export function chunkRows(valuesPerRow: number): number {
  return Math.max(1, Math.floor((1 << 22) / valuesPerRow));
}

/** Reads a float32 Gram back and adds it into a float64 sum (async: no pipeline stall). */
export async function addGram(sum: Float64Array, gram: tf.Tensor): Promise<void> {
  try {
    const values = await gram.data();
    for (let i = 0; i < sum.length; i++) sum[i] += values[i];
  } finally {
    gram.dispose();
  }
}

/** A FieldResult (RecScope mode) from a finished float64 Gram of `rows` normalised rows. */
export function gramFieldResult(name: string, gram: Float64Array, dim: number, rows: number): FieldResult {
  const acc = GramAccumulator.fromState({ dim, mode: 'recscope', rows, excludedRows: 0, upper: gram, colSum: new Float64Array(dim), scaleExp: 0, peak: 0 });
  return fieldResult(name, acc);
}
