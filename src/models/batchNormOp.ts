/**
 * Training-mode batch normalisation of x (n x d) over the batch, gamma * (x - mean) / sqrt(var +
 * eps) + beta, with the analytic gradient. The composed tf ops (moments, broadcast sub/div/mul)
 * cost ~4x more on wasm, where each sum over axis 0 (forward and in the broadcast gradients)
 * transposes first; here every column sum is one columnSums matMul.
 */
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_RELU_BACKWARD, BATCH_NORM_RELU_FORWARD, batchNormReluKernelsReady } from '../engine/batchNormReluKernel.ts';
import { columnSums } from './columnSums.ts';

/** Column means of x (n x d), 1 x d. */
function columnMean(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(columnSums(x), x.shape[0]);
}

/**
 * `moments` receives the batch mean and biased variance (each d, kept alive only for the call)
 * for the running averages.
 */
export function batchNormTraining(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  moments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor2D {
  const op = tf.customGrad((...inputs) => {
    const [xs, g, b] = inputs as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const save = inputs[3] as tf.GradSaveFunc;
    const mean = columnMean(xs);
    const centred = tf.sub(xs, mean);
    const variance = columnMean(tf.square(centred) as tf.Tensor2D);
    moments(mean.reshape([-1]), variance.reshape([-1]));
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const normalised = tf.mul(centred, invStd);
    save([normalised, invStd, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, inv, gs] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const d = dy as tf.Tensor2D;
        const n = d.shape[0];
        const dBeta = columnSums(d);
        const dGamma = columnSums(tf.mul(d, xHat));
        // dx = invStd * gamma * (dy - mean(dy) - xHat * mean(dy * xHat)), column means over the batch.
        const dx = tf.mul(tf.mul(tf.sub(tf.sub(d, tf.div(dBeta, n)), tf.mul(xHat, tf.div(dGamma, n))), gs), inv);
        return [dx, dGamma.reshape([-1]), dBeta.reshape([-1])];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/**
 * relu(batchNormTraining(z)) [* mask]: an MLP block's training path after its Linear. On wasm two
 * kernels (engine/batchNormReluKernel.ts) compute the same bits as these ops composed, forward and
 * backward; `keep` is the mask's kept value (1 without a mask). Elsewhere the composed ops.
 */
export function batchNormReluTraining(
  z: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  mask: tf.Tensor | null,
  keep: number,
  moments: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor2D {
  const [rows, cols] = z.shape;
  if (z.dtype !== 'float32' || !batchNormReluKernelsReady(rows, cols)) {
    const r = tf.relu(batchNormTraining(z, gamma, beta, eps, moments));
    return mask ? tf.mul(r, mask) : r;
  }
  // The mask is closed over (no gradient flows to it); the backward pass needs only the saved tensors.
  const op = tf.customGrad((...inputs) => {
    const [zs, g, b] = inputs as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const save = inputs[3] as tf.GradSaveFunc;
    const forwardInputs: tf.NamedTensorMap = { z: zs, gamma: g, beta: b };
    if (mask) forwardInputs.mask = mask;
    const [out, xHat, mean, variance, invStd] = tf.engine().runKernel(BATCH_NORM_RELU_FORWARD, forwardInputs, { eps }) as tf.Tensor[];
    moments(mean as tf.Tensor1D, variance as tf.Tensor1D);
    save([out, xHat, g, invStd]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [o, xh, gs, inv] = saved;
        return tf.engine().runKernel(BATCH_NORM_RELU_BACKWARD, { dy, out: o, xHat: xh, gamma: gs, invStd: inv }, { keep }) as tf.Tensor[];
      },
    };
  });
  return op(z, gamma, beta) as tf.Tensor2D;
}
