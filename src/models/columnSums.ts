import * as tf from '@tensorflow/tfjs';
import { columnSumsKernel, columnSumsOfRowBlocksKernel } from '../engine/columnSumsKernel.ts';

/**
 * Column sums of x (n x d) as 1 x d: ones^T x, a transposeA matMul. On wasm a sum over axis 0
 * transposes x first and a ones-row matMul repacks x for XNNPACK (~4-5 ms each for 1024 x 400);
 * a transposeA matMul takes the naive loop (~0.6 ms), and engine/columnSumsKernel.ts does that
 * loop's additions in the same order with SIMD: the same bits.
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor2D {
  return columnSumsKernel(x) ?? tf.matMul(tf.ones([x.shape[0], 1]), x, true, false);
}

/** columnSums of each of x's `blocks` row blocks (x: blocks * n x d): one kernel on wasm, else slices. */
export function columnSumsOfRowBlocks(x: tf.Tensor2D, blocks: number): tf.Tensor2D[] {
  const rows = x.shape[0] / blocks;
  if (!Number.isInteger(rows)) throw new RangeError(`columnSumsOfRowBlocks: ${x.shape[0]} rows are not ${blocks} blocks`);
  return columnSumsOfRowBlocksKernel(x, blocks) ?? Array.from({ length: blocks }, (_, q) => tf.tidy(() => columnSums(tf.slice(x, [q * rows, 0], [rows, -1]))));
}
