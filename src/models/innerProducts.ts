import * as tf from '@tensorflow/tfjs';

/**
 * <e_i, e_j> for every field pair i < j, in the order (0,1), (0,2), ..., (F-2,F-1):
 * batch x F x K to batch x F(F-1)/2. Built from F-1 slices (no gather, whose gradient is
 * missing on WASM).
 */
export function innerProducts(e: tf.Tensor3D): tf.Tensor2D {
  const [b, f, k] = e.shape;
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < f - 1; i++) {
    const ei = tf.slice(e, [0, i, 0], [b, 1, k]);
    const rest = tf.slice(e, [0, i + 1, 0], [b, f - i - 1, k]);
    parts.push(tf.sum(tf.mul(ei, rest), 2));
  }
  return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
}

export function pairCount(fields: number): number {
  return (fields * (fields - 1)) / 2;
}
