/**
 * Per-task gradients: one backward pass per task k of its weighted loss w_k L_k over the shared
 * parameters and task k's own parameters (SCIENCE.md section 2). Task-specific parameters are
 * reached by their task's loss alone, so their gradient from task k is the summed-loss gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { weightedBceKernels } from '../../engine/bceWithLogitsKernel.ts';
import { withSharedInputTransposes } from '../affine.ts';
import type { MultiTaskModel, SharedTrunk } from './types.ts';

/** Mean binary cross-entropy of logits against 0/1 labels (numerically stable form). */
export function bceWithLogits(logits: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))) as tf.Scalar);
}

export interface TaskGradients {
  /** Weighted loss w_k L_k of each task. */
  losses: tf.Scalar[];
  /** [task][shared variable, in sharedVariables order flattened over layers]. */
  shared: tf.Tensor[][];
  /** [task][variable of taskVariables[task]]: the summed-loss gradient of task-specific parameters. */
  specific: tf.Tensor[][];
}

export function sharedVariableList(model: MultiTaskModel): tf.Variable[] {
  return model.sharedVariables.flatMap((l) => l.variables);
}

/** Each task's labels (batch x T) as its own vector: rows of one transpose, where column slices copy row by row. */
function taskLabels(labels: tf.Tensor2D): tf.Tensor1D[] {
  const T = labels.shape[1];
  if (T === 1) return [labels.reshape([-1])];
  const rows = tf.transpose(labels);
  return Array.from({ length: T }, (_, k) => tf.slice(rows, [k, 0], [1, -1]).reshape([-1]) as tf.Tensor1D);
}

/**
 * w_k L_k of task k, with its gradient written out: d/dlogits = dy w_k (sigmoid(logits) - y) / n,
 * in 5 kernels; tfjs's tape took ~45 through the stable form's relu, abs, exp and log1p.
 */
function taskLoss(logits: tf.Tensor1D, y: tf.Tensor1D, weight: number): tf.Scalar {
  const loss = tf.customGrad((...inputs) => {
    const [l, yk] = inputs as [tf.Tensor1D, tf.Tensor1D];
    (inputs[2] as tf.GradSaveFunc)([l, yk]);
    return {
      value: tf.mul(bceWithLogits(l, yk), weight) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.sub(tf.sigmoid(saved[0]), saved[1]), tf.mul(dy, weight / l.size)), tf.zerosLike(saved[1])],
    };
  });
  return loss(logits, y) as tf.Scalar;
}

/** w L of bceWithLogits and its gradient as taskLoss's gradFunc gives it for dy = 1: kernels on wasm. */
function weightedBce(logits: tf.Tensor1D, y: tf.Tensor1D, weight: number): { loss: tf.Scalar; dLogits: tf.Tensor1D } {
  return (
    weightedBceKernels(logits, y, weight) ?? {
      loss: tf.mul(bceWithLogits(logits, y), weight) as tf.Scalar,
      dLogits: tf.mul(tf.sub(tf.sigmoid(logits), y), weight / y.size) as tf.Tensor1D,
    }
  );
}

/**
 * labels: batch x T (0/1). Every returned tensor is new: dispose them (or call inside tf.tidy).
 * Models with a SharedTrunk take one forward pass; the others one pass per task.
 */
export function taskGradients(model: MultiTaskModel, indices: tf.Tensor2D, labels: tf.Tensor2D, lossWeights: readonly number[]): TaskGradients {
  return model.trunk ? oneForwardGradients(model, model.trunk, indices, labels, lossWeights) : perTaskPassGradients(model, indices, labels, lossWeights);
}

/** One forward and one backward pass per task over the whole model. */
export function perTaskPassGradients(model: MultiTaskModel, indices: tf.Tensor2D, labels: tf.Tensor2D, lossWeights: readonly number[]): TaskGradients {
  const shared = sharedVariableList(model);
  const T = model.tasks.length;
  const out: TaskGradients = { losses: [], shared: [], specific: [] };
  const ys = taskLabels(labels);
  for (let k = 0; k < T; k++) {
    const own = model.taskVariables[k];
    const vars = [...shared, ...own];
    const { value, grads } = withSharedInputTransposes(() =>
      tf.variableGrads(() => taskLoss(model.forward(indices, true)[k], ys[k], lossWeights[k] ?? 1), vars),
    );
    const gradOf = (v: tf.Variable): tf.Tensor => grads[v.name] ?? tf.zerosLike(v);
    out.losses.push(value);
    out.shared.push(shared.map(gradOf));
    out.specific.push(own.map(gradOf));
  }
  return out;
}

/**
 * One forward pass of the shared part; each task's head backward (written out where the pass has
 * a HeadPass, else tfjs's tape) gives its own parameters' gradients and its cotangents of the
 * trunk's outputs, and the trunk's backward takes all tasks' cotangents at once (stackedBackward.ts).
 */
function oneForwardGradients(
  model: MultiTaskModel,
  trunk: SharedTrunk,
  indices: tf.Tensor2D,
  labels: tf.Tensor2D,
  lossWeights: readonly number[],
): TaskGradients {
  const shared = sharedVariableList(model);
  return withSharedInputTransposes(() => {
    const pass = trunk.forward(indices);
    const n = pass.outputs.length;
    const out: TaskGradients = { losses: [], shared: [], specific: [] };
    const ys = taskLabels(labels);
    const cotangents = model.tasks.map((_, k) => {
      const head = pass.head?.(k);
      if (head) {
        const { loss, dLogits } = weightedBce(head.logits, ys[k], lossWeights[k] ?? 1);
        out.losses.push(loss);
        const { own, cotangents } = head.backward(dLogits);
        out.specific.push(own);
        return cotangents;
      }
      // The head reads the outputs and its variables by closure; valueAndGrads differentiates by tensor identity.
      const { value, grads } = tf.valueAndGrads(() => taskLoss(trunk.head(k, pass.outputs), ys[k], lossWeights[k] ?? 1))([
        ...pass.outputs,
        ...model.taskVariables[k],
      ]);
      out.losses.push(value);
      out.specific.push(grads.slice(n));
      return grads.slice(0, n) as tf.Tensor2D[];
    });
    out.shared = pass.backward(cotangents).map((g) => shared.map((v) => g.get(v) ?? tf.zerosLike(v)));
    return out;
  });
}
