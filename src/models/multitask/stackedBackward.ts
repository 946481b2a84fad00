/**
 * The backward pass of a model's shared part for every task at once (SharedTrunk): one forward
 * pass, then the T tasks' cotangents stacked by rows (task k's are rows kB..(k+1)B) go through
 * each layer together. For h = relu(x W + b): dZ = dH * [h > 0] (the mask tiled T times, one
 * kernel), the input cotangents of every task in one product dZ W^T, task k's weight gradient
 * x^T dZ_k (x read transposed in place on wasm) and its bias gradient the column sums of
 * dZ_k (on wasm each one kernel for all k, reading dZ_k in place); an embedding lookup's
 * gradient is task k's scatter-add. These are the products tfjs's
 * tape takes per task, summed in another order: equal to float32 rounding (taskGradients.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingRowsKernelsReady, SCATTER_ADD_ROWS } from '../../engine/embeddingRowsKernel.ts';
import { gemm, gemmReadsTransposes, gemmRowBlocks } from '../../engine/gemmKernel.ts';
import { stackedReluBackward } from '../../engine/stackedReluBackwardKernel.ts';
import { sharedTranspose } from '../affine.ts';
import { columnSumsOfRowBlocks } from '../columnSums.ts';
import type { Mlp } from './blocks.ts';

/**
 * x^T dz: where the GEMM kernel runs (wasm at one thread) it reads x transposed in place (the same
 * bits as tf.matMul, no transpose); elsewhere, a wasm pool included, a matMul of x's transpose,
 * shared by the products that read x.
 */
export function transposedTimes(x: tf.Tensor2D, dz: tf.Tensor2D): tf.Tensor2D {
  return gemmReadsTransposes() ? gemm(x, dz, { transposeA: true }) : tf.matMul(sharedTranspose(x), dz);
}

/** dz w^T (the input cotangents of a layer x w): gemm reads w transposed in place where it can. */
export function timesTransposed(dz: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  // No transpose flag on tf.matMul: tfjs-backend-wasm runs those in a naive loop (affine.ts).
  return gemm(dz, w, { transposeB: true });
}

/** Per-task cotangents (each B x n) as one T*B x n stack. */
export function stackTasks(perTask: readonly tf.Tensor2D[]): tf.Tensor2D {
  return perTask.length === 1 ? perTask[0] : tf.concat(perTask as tf.Tensor2D[], 0);
}

/** x^T dz_k for each task k of the stacked dz: where gemm reads transposes, one kernel over dz's row blocks in place. */
function taskWeightGradients(x: tf.Tensor2D, dz: tf.Tensor2D, tasks: number): tf.Tensor2D[] {
  if (gemmReadsTransposes()) return gemmRowBlocks(x, dz, tasks, { transposeA: true });
  return Array.from({ length: tasks }, (_, k) => transposedTimes(x, taskRows(dz, k, tasks)));
}

function taskRows(stacked: tf.Tensor2D, k: number, tasks: number): tf.Tensor2D {
  const rows = stacked.shape[0] / tasks;
  return tasks === 1 ? stacked : tf.slice(stacked, [k * rows, 0], [rows, -1]);
}

/**
 * Backward of an Mlp for the stacked cotangents of its output. acts: mlp.activations(x) of the
 * forward pass. Sets task k's gradient of every layer's W and b in grads[k]; returns the stacked
 * cotangents of x. outMasked: dOut is already the last layer's dz (its ReLU's mask applied).
 */
export function mlpBackward(m: Mlp, acts: readonly tf.Tensor2D[], dOut: tf.Tensor2D, grads: Map<tf.Variable, tf.Tensor>[], outMasked = false): tf.Tensor2D {
  const T = grads.length;
  let dh = dOut;
  for (let d = m.depths.length - 1; d >= 0; d--) {
    const [w, b] = m.depths[d];
    const dz = outMasked && d === m.depths.length - 1 ? dh : stackedReluBackward(dh, acts[d + 1]);
    const [dws, dbs] = [taskWeightGradients(acts[d], dz, T), columnSumsOfRowBlocks(dz, T)];
    grads.forEach((g, k) => {
      g.set(w, dws[k]);
      g.set(b, dbs[k].reshape([-1]));
    });
    dh = timesTransposed(dz, w as tf.Tensor as tf.Tensor2D);
  }
  return dh;
}

/**
 * Backward of embeddingLookup(table, rows) flattened to B x (F*K), for the stacked cotangents of
 * that B x (F*K) input: task k's table gradient is the scatter-add of its rows (on wasm the
 * scatter-add kernel embeddingLookup's own gradient runs, the bits of scatterND).
 */
export function lookupBackward(table: tf.Variable, rows: tf.Tensor2D, dx: tf.Tensor2D, grads: Map<tf.Variable, tf.Tensor>[]): void {
  const [tableRows, dim] = table.shape as [number, number];
  const updates = (k: number) => taskRows(dx, k, grads.length).reshape([-1, dim]);
  if (embeddingRowsKernelsReady(table, rows)) {
    // Task k's rows of dx read in place as the kernel's block k (no slice).
    const [flat, all] = [rows.reshape([-1]), dx.reshape([-1, dim])];
    grads.forEach((g, k) => g.set(table, tf.engine().runKernel(SCATTER_ADD_ROWS, { rows: flat, updates: all }, { tableRows, block: k }) as tf.Tensor));
    return;
  }
  const column = rows.reshape([-1, 1]);
  grads.forEach((g, k) => g.set(table, tf.scatterND(column, updates(k), table.shape)));
}
