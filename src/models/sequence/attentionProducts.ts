/**
 * The two batched products of target attention, with gradients written as broadcast multiplies
 * and sums. Their forwards are batched matmuls; tfjs's matmul gradients are two more batched
 * matmuls each, and on tfjs-backend-wasm 4.22 a batch of 256 tiny (n x 1) @ (1 x K) outer products
 * costs ~10x the elementwise broadcast multiply that computes the same values.
 */
import * as tf from '@tensorflow/tfjs';

/** scores[b, j] = sum_d q[b, 0, d] k[b, j, d]: q batch x 1 x K, k batch x n x K; batch x n. */
export function rowDot(q: tf.Tensor3D, k: tf.Tensor3D): tf.Tensor2D {
  const [B, n] = k.shape;
  const op = tf.customGrad((...inputs) => {
    const [query, keys] = inputs as [tf.Tensor3D, tf.Tensor3D];
    const save = inputs[2] as tf.GradSaveFunc;
    save([query, keys]);
    return {
      value: tf.matMul(keys, query, false, true).reshape([B, n]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk] = saved as [tf.Tensor3D, tf.Tensor3D];
        const d = dy.reshape([B, n, 1]);
        return [tf.sum(tf.mul(d, sk), 1, true), tf.mul(d, sq)];
      },
    };
  });
  return op(q, k) as tf.Tensor2D;
}

/** pooled[b, 0, d] = sum_j w[b, 0, j] v[b, j, d]: w batch x 1 x n, v batch x n x K; batch x 1 x K. */
export function weightedSum(w: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const [B, n] = v.shape;
  const op = tf.customGrad((...inputs) => {
    const [weights, values] = inputs as [tf.Tensor3D, tf.Tensor3D];
    const save = inputs[2] as tf.GradSaveFunc;
    save([weights, values]);
    return {
      value: tf.matMul(weights, values),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sw, sv] = saved as [tf.Tensor3D, tf.Tensor3D];
        // dy: batch x 1 x K. dw[b, 0, j] = dy[b] . v[b, j]; dv[b, j] = w[b, 0, j] dy[b].
        return [tf.sum(tf.mul(dy, sv), 2).reshape([B, 1, n]), tf.mul(sw.reshape([B, n, 1]), dy)];
      },
    };
  });
  return op(w, v) as tf.Tensor3D;
}
