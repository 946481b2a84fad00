/**
 * Adam with coupled L2 weight decay, as torch.optim.Adam(weight_decay=...) in the published
 * Multi-Embedding setup: g <- g + wd * theta before the Adam moments (not AdamW's decoupled
 * decay). Epsilon is explicit: tfjs's default comes from the backend's float precision and is
 * 1e-4 on WebGL, which makes Adam diverge from the other backends (ENGINE-NOTES.md).
 */
import * as tf from '@tensorflow/tfjs';

/** PyTorch's Adam defaults. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

export interface Optimizer {
  /** Minimises loss() over variables; returns the loss (before the update). Call inside tf.tidy. */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar;
  dispose(): void;
}

export function createOptimizer(learningRate: number, weightDecay: number): Optimizer {
  const adam = tf.train.adam(learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  return {
    minimize(loss, variables) {
      const { value, grads } = tf.variableGrads(loss, variables);
      adam.applyGradients(
        variables.map((v) => ({
          name: v.name,
          tensor: weightDecay > 0 ? tf.add(grads[v.name], tf.mul(v, weightDecay)) : grads[v.name],
        })),
      );
      return value;
    },
    dispose: () => adam.dispose(),
  };
}
