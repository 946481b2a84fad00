/**
 * The CTR trainer's loss, tf.losses.sigmoidCrossEntropy(labels, logits) with its default mean
 * over the batch: on wasm its sum and gradient are kernels (engine/sigmoidCrossEntropyKernel.ts)
 * around tfjs's Exp and Log1p, with the same bits; elsewhere tfjs's composed ops.
 */
import * as tf from '@tensorflow/tfjs';
import { SIGMOID_CROSS_ENTROPY, SIGMOID_CROSS_ENTROPY_GRAD, sigmoidCrossEntropyKernelsReady } from '../engine/sigmoidCrossEntropyKernel.ts';

export function sigmoidCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor1D): tf.Scalar {
  if (!sigmoidCrossEntropyKernelsReady(labels, logits)) return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
  // The labels are closed over (no gradient flows to them) and saved with the logits and exp(-|x|).
  const op = tf.customGrad((...inputs) => {
    const x = inputs[0] as tf.Tensor1D;
    const e = tf.exp(tf.neg(tf.abs(x)));
    (inputs[1] as tf.GradSaveFunc)([x, labels, e]);
    return {
      value: tf.engine().runKernel(SIGMOID_CROSS_ENTROPY, { x, z: labels, lp: tf.log1p(e) }) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, z, es] = saved;
        return tf.engine().runKernel(SIGMOID_CROSS_ENTROPY_GRAD, { dy, x: xs, z, e: es }) as tf.Tensor;
      },
    };
  });
  return op(logits) as tf.Scalar;
}
