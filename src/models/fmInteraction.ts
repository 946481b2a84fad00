import * as tf from '@tensorflow/tfjs';

/** FM second-order term 0.5 * sum_k ((sum_f e_fk)^2 - sum_f e_fk^2): batch x F x K to batch. */
export function fmInteraction(e: tf.Tensor3D): tf.Tensor1D {
  const squareOfSum = tf.square(tf.sum(e, 1));
  const sumOfSquare = tf.sum(tf.square(e), 1);
  return tf.mul(tf.sum(tf.sub(squareOfSum, sumOfSquare), 1), 0.5) as tf.Tensor1D;
}
