import * as tf from '@tensorflow/tfjs';
import { FIELD_SUM, FIELD_SUM_GRAD, fieldSumKernelsReady } from '../engine/fieldSumKernel.ts';
import { FM_PAIRS, FM_PAIRS_GRAD, fmPairsKernelsReady } from '../engine/fmPairsKernel.ts';

/**
 * sum_f x (or of x^2 with `squares`): batch x F x K to batch x K; on wasm the sum and its
 * gradient are kernels (engine/fieldSumKernel.ts, tfjs's own bits) where they serve x.
 */
function fieldSum(x: tf.Tensor3D, squares: boolean): tf.Tensor2D {
  const plain = () => tf.sum(squares ? tf.square(x) : x, 1) as tf.Tensor2D;
  if (!fieldSumKernelsReady(x)) return plain();
  const op = tf.customGrad((...inputs) => {
    const xs = inputs[0] as tf.Tensor3D;
    (inputs[1] as tf.GradSaveFunc)([xs]);
    return {
      value: tf.engine().runKernel(FIELD_SUM, { x: xs }, { squares }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(FIELD_SUM_GRAD, { dy, x: saved[0] }, { squares }) as tf.Tensor,
    };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * FM second-order term 0.5 * sum_k ((sum_f e_fk)^2 - sum_f e_fk^2): batch x F x K to batch. The
 * two sums over fields are separate ops, the sum first, as tfjs composed them: e's gradient adds
 * their parts (and the MLP's) in the same order, so the same bits. On wasm the rest (square, sub,
 * sum over k, halving) and its gradient are kernels too (engine/fmPairsKernel.ts, the same bits).
 */
export function fmInteraction(e: tf.Tensor3D): tf.Tensor1D {
  const sum = fieldSum(e, false);
  const sumOfSquare = fieldSum(e, true);
  if (!fmPairsKernelsReady(sum)) return tf.mul(tf.sum(tf.sub(tf.square(sum), sumOfSquare), 1), 0.5) as tf.Tensor1D;
  const op = tf.customGrad((...inputs) => {
    const [s, q] = inputs as [tf.Tensor2D, tf.Tensor2D];
    (inputs[2] as tf.GradSaveFunc)([s]);
    return {
      value: tf.engine().runKernel(FM_PAIRS, { s, q }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(FM_PAIRS_GRAD, { dy, s: saved[0] }) as tf.Tensor[],
    };
  });
  return op(sum, sumOfSquare) as tf.Tensor1D;
}
