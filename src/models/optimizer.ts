/**
 * Adam with coupled L2 weight decay, as torch.optim.Adam(weight_decay=...) in the published
 * Multi-Embedding setup: g <- g + wd * theta before the Adam moments (not AdamW's decoupled
 * decay). Epsilon is explicit: tfjs's default comes from the backend's float precision and is
 * 1e-4 on WebGL, which makes Adam diverge from the other backends (ENGINE-NOTES.md).
 */
import * as tf from '@tensorflow/tfjs';
import { adamUpdate, installAdamKernel, type AdamConstants } from '../engine/adamKernel.ts';

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
  installAdamKernel();
  const f = Math.fround;
  let iterations = 0;
  // beta^t as tfjs's Adam accumulates them: float32 products, starting at beta (the step-1 power).
  let betaPowers: [number, number] = [f(ADAM.beta1), f(ADAM.beta2)];
  /** Per variable, in minimize()'s order: the moments (null before the first step). */
  let moments: { m: tf.Tensor; v: tf.Tensor }[] | null = null;
  const disposeMoments = () => {
    if (moments) tf.dispose(moments.flatMap((x) => [x.m, x.v]));
    moments = null;
  };
  return {
    minimize(loss, variables) {
      const { value, grads } = tf.variableGrads(loss, variables);
      const state = (moments ??= variables.map((x) => ({ m: tf.keep(tf.zerosLike(x)), v: tf.keep(tf.zerosLike(x)) })));
      const c: AdamConstants = {
        order: 'tfjs',
        weightDecay,
        beta1: ADAM.beta1,
        oneMinusBeta1: 1 - ADAM.beta1,
        beta2: ADAM.beta2,
        oneMinusBeta2: 1 - ADAM.beta2,
        // tfjs computes 1 - beta^t on the backend in float32.
        oneMinusAccBeta1: f(1 - betaPowers[0]),
        oneMinusAccBeta2: f(1 - betaPowers[1]),
        epsilon: ADAM.epsilon,
        negLr: -learningRate,
      };
      variables.forEach((x, i) => {
        const [x2, m2, v2] = adamUpdate(x, grads[x.name], state[i].m, state[i].v, c);
        x.assign(x2);
        tf.dispose([state[i].m, state[i].v, x2]);
        state[i] = { m: tf.keep(m2), v: tf.keep(v2) };
      });
      betaPowers = [f(betaPowers[0] * f(ADAM.beta1)), f(betaPowers[1] * f(ADAM.beta2))];
      iterations++;
      return value;
    },
    async exportState(variables) {
      if (!moments) return { iterations, betaPowers: [...betaPowers], moments: [] };
      if (moments.length !== variables.length) throw new RangeError(`the optimizer has ${moments.length} variables, asked for ${variables.length}`);
      const read = async (t: tf.Tensor) => Float32Array.from(await t.data());
      const out = [];
      for (const x of moments) out.push({ m: await read(x.m), v: await read(x.v) });
      return { iterations, betaPowers: [...betaPowers], moments: out };
    },
    async importState(state, variables) {
      if (state.moments.length === 0) return;
      if (state.moments.length !== variables.length)
        throw new RangeError(`the saved optimizer has ${state.moments.length} variables, the model ${variables.length}`);
      const loaded = variables.map((x, i) => ({ m: tf.tensor(state.moments[i].m, x.shape), v: tf.tensor(state.moments[i].v, x.shape) }));
      disposeMoments();
      moments = loaded;
      iterations = state.iterations;
      betaPowers = [f(state.betaPowers[0]), f(state.betaPowers[1])];
    },
    dispose: disposeMoments,
  };
}
