/**
 * Adam with coupled L2 weight decay, as torch.optim.Adam(weight_decay=...) in the published
 * Multi-Embedding setup: g <- g + wd * theta before the Adam moments (not AdamW's decoupled
 * decay). Epsilon is explicit: tfjs's default comes from the backend's float precision and is
 * 1e-4 on WebGL, which makes Adam diverge from the other backends (ENGINE-NOTES.md).
 */
import * as tf from '@tensorflow/tfjs';

/** PyTorch's Adam defaults. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** Adam's progress, in the order of the variables it was taken for: enough to resume exactly. */
export interface OptimizerState {
  iterations: number;
  /** beta1^t and beta2^t as Adam accumulated them (recomputing them with pow rounds differently in float32). */
  betaPowers: [number, number];
  /** Per variable: first and second moments (empty before the first step). */
  moments: { m: Float32Array; v: Float32Array }[];
}

export interface Optimizer {
  /** Minimises loss() over variables; returns the loss (before the update). Call inside tf.tidy. */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar;
  /** Reads the moments back, for the same variables (same order) minimize() was given. */
  exportState(variables: tf.Variable[]): Promise<OptimizerState>;
  /** Continues from an exported state; `variables` must match the exported ones in order and shape. */
  importState(state: OptimizerState, variables: tf.Variable[]): Promise<void>;
  dispose(): void;
}

export function createOptimizer(learningRate: number, weightDecay: number): Optimizer {
  const adam = tf.train.adam(learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  // tfjs keeps the bias-correction powers in these (not part of getWeights); an exact resume needs them.
  const powers = adam as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
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
    async exportState(variables) {
      // tfjs names the moments "<variable>/m" and "<variable>/v"; iterations comes first, as a new tensor.
      const [iterations, ...weights] = await adam.getWeights();
      const count = (await iterations.tensor.data())[0];
      iterations.tensor.dispose();
      const byName = new Map(weights.map((w) => [w.name, w.tensor]));
      const read = async (name: string) => Float32Array.from(await byName.get(name)!.data());
      const betaPowers: [number, number] = [(await powers.accBeta1.data())[0], (await powers.accBeta2.data())[0]];
      if (weights.length === 0) return { iterations: count, betaPowers, moments: [] };
      const moments = [];
      for (const v of variables) moments.push({ m: await read(`${v.name}/m`), v: await read(`${v.name}/v`) });
      return { iterations: count, betaPowers, moments };
    },
    async importState(state, variables) {
      if (state.moments.length === 0) return;
      if (state.moments.length !== variables.length)
        throw new RangeError(`the saved optimizer has ${state.moments.length} variables, the model ${variables.length}`);
      const tensors = [
        { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
        ...variables.map((v, i) => ({ name: `${v.name}/m`, tensor: tf.tensor(state.moments[i].m, v.shape) })),
        ...variables.map((v, i) => ({ name: `${v.name}/v`, tensor: tf.tensor(state.moments[i].v, v.shape) })),
      ];
      try {
        await adam.setWeights(tensors);
        tf.tidy(() => {
          powers.accBeta1.assign(tf.scalar(state.betaPowers[0]));
          powers.accBeta2.assign(tf.scalar(state.betaPowers[1]));
        });
      } finally {
        tf.dispose(tensors.map((t) => t.tensor));
      }
    },
    dispose: () => adam.dispose(),
  };
}
