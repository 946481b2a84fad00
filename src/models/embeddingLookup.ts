/**
 * Embedding lookup whose gradient is a scatter-add of the batch's rows: O(batch x dim) work.
 * tfjs 4.22's stock gather gradient (UnsortedSegmentSum) is missing on WASM and costs
 * O(vocab x batch x dim) on the cpu backend. scatterND sums duplicate indices (checked in the
 * tests on cpu and wasm), which is exactly the gradient of a gather. The forward pass is a
 * gatherND on [n, 1] row indices: on wasm it copies whole rows, ~10x faster than gather's
 * per-element loop (26624 rows of 16: 4.6 ms vs 52 ms). On wasm both directions are kernels
 * (engine/embeddingRowsKernel.ts) with the same bits.
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingRowsKernelsReady, GATHER_ROWS, SCATTER_ADD_ROWS } from '../engine/embeddingRowsKernel.ts';

/** Rows `rows` (int32, any shape) of `table` (N x K): shape [...rows.shape, K]. */
export function embeddingLookup(table: tf.Tensor, rows: tf.Tensor): tf.Tensor {
  if (table.rank !== 2) throw new RangeError(`an embedding table is N x K, got shape [${table.shape}]`);
  // The indices are closed over, so no gradient (a zeros tensor) is made for them, and saved:
  // the forward pass's tidy would dispose them before tf.grad runs the backward pass otherwise.
  const k = table.shape[1] as number;
  if (embeddingRowsKernelsReady(table, rows)) {
    const [tableRows, flat] = [table.shape[0] as number, rows.reshape([-1])];
    const lookup = tf.customGrad((...inputs) => {
      (inputs[1] as tf.GradSaveFunc)([flat]);
      return {
        value: tf.engine().runKernel(GATHER_ROWS, { table: inputs[0] as tf.Tensor, rows: flat }) as tf.Tensor,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(SCATTER_ADD_ROWS, { rows: saved[0], updates: dy }, { tableRows }) as tf.Tensor,
      };
    });
    return lookup(table).reshape([...rows.shape, k]);
  }
  const column = rows.reshape([-1, 1]);
  const lookup = tf.customGrad((...inputs) => {
    const t = inputs[0] as tf.Tensor;
    (inputs[1] as tf.GradSaveFunc)([column]);
    return {
      value: tf.gatherND(t, column),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(saved[0], dy, t.shape),
    };
  });
  return lookup(table).reshape([...rows.shape, k]);
}
