/**
 * The backward pass of a model's shared part for every task at once (SharedTrunk): one forward
 * pass, then the T tasks' cotangents stacked by rows (task k's are rows kB..(k+1)B) go through
 * each layer together. For h = relu(x W + b): dZ = dH * [h > 0] (the mask tiled T times), the
 * input cotangents of every task in one product dZ W^T, task k's weight gradient x^T dZ_k (one
 * transpose of x, shared by the layers that read it) and its bias gradient the column sums of
 * dZ_k; an embedding lookup's gradient is task k's scatter-add. These are the products tfjs's
 * tape takes per task, summed in another order: equal to float32 rounding (taskGradients.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { sharedTranspose } from '../affine.ts';
import { columnSums } from '../columnSums.ts';
import type { Mlp } from './blocks.ts';

/** Per-task cotangents (each B x n) as one T*B x n stack. */
export function stackTasks(perTask: readonly tf.Tensor2D[]): tf.Tensor2D {
  return perTask.length === 1 ? perTask[0] : tf.concat(perTask as tf.Tensor2D[], 0);
}

function taskRows(stacked: tf.Tensor2D, k: number, tasks: number): tf.Tensor2D {
  const rows = stacked.shape[0] / tasks;
  return tasks === 1 ? stacked : tf.slice(stacked, [k * rows, 0], [rows, -1]);
}

/**
 * Backward of an Mlp for the stacked cotangents of its output. acts: mlp.activations(x) of the
 * forward pass. Sets task k's gradient of every layer's W and b in grads[k]; returns the stacked
 * cotangents of x.
 */
export function mlpBackward(m: Mlp, acts: readonly tf.Tensor2D[], dOut: tf.Tensor2D, grads: Map<tf.Variable, tf.Tensor>[]): tf.Tensor2D {
  const T = grads.length;
  let dh = dOut;
  for (let d = m.depths.length - 1; d >= 0; d--) {
    const [w, b] = m.depths[d];
    const mask = tf.step(acts[d + 1]);
    const dz = tf.mul(
      dh,
      T === 1
        ? mask
        : tf.concat(
            Array.from({ length: T }, () => mask),
            0,
          ),
    ) as tf.Tensor2D;
    const inputT = sharedTranspose(acts[d]);
    grads.forEach((g, k) => {
      const dzk = taskRows(dz, k, T);
      g.set(w, tf.matMul(inputT, dzk));
      g.set(b, columnSums(dzk).reshape([-1]));
    });
    // No transpose flag: tfjs-backend-wasm runs those in a naive loop (affine.ts).
    dh = tf.matMul(dz, tf.transpose(w));
  }
  return dh;
}

/**
 * Backward of embeddingLookup(table, rows) flattened to B x (F*K), for the stacked cotangents of
 * that B x (F*K) input: task k's table gradient is the scatter-add of its rows.
 */
export function lookupBackward(table: tf.Variable, rows: tf.Tensor2D, dx: tf.Tensor2D, grads: Map<tf.Variable, tf.Tensor>[]): void {
  const dim = table.shape[1] as number;
  const column = rows.reshape([-1, 1]);
  grads.forEach((g, k) => g.set(table, tf.scatterND(column, taskRows(dx, k, grads.length).reshape([-1, dim]), table.shape)));
}
