/**
 * Rows start .. start + count of a matrix, differentiable. tf.slice does the same, but
 * tfjs-backend-wasm 4.22's Slice first copies its whole input out of wasm memory into a fresh
 * JavaScript buffer (readSync), for every slice; this copies only the block (gatherND over the row
 * ids) and its gradient pads dy back to the matrix's rows (PadV2), as Slice's gradient does.
 */
import * as tf from '@tensorflow/tfjs';

export function rowBlock(matrix: tf.Tensor2D, start: number, count: number): tf.Tensor2D {
  const rows = matrix.shape[0];
  if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= rows))
    throw new RangeError(`rows ${start}..${start + count} are outside the matrix's 0..${rows}`);
  const op = tf.customGrad((...inputs) => ({
    value: tf.gatherND(inputs[0] as tf.Tensor, tf.range(start, start + count, 1, 'int32').reshape([count, 1])) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor) =>
      tf.pad(dy, [
        [start, rows - start - count],
        [0, 0],
      ]),
  }));
  return op(matrix) as tf.Tensor2D;
}
