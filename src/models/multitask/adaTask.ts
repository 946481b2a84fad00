/**
 * AdaTask (Yang et al., AAAI 2023; SCIENCE.md section 2): on shared parameters each task keeps
 * its own moments and takes its own adaptive step; the parameter moves by the sum of the
 * per-task steps. Task-specific parameters use the plain optimiser on the summed loss (the same
 * update with a single "task"). Plain Adam is decomposed the same way so AU can be tracked:
 * dtheta^k = -lr mhat^k / (sqrt(vhat) + eps), mhat^k from task k's gradient alone, vhat shared.
 *
 * The pure functions (float64 arrays) are the reference; MultiTaskOptimizer applies the same
 * math to tf.Variables.
 */
import * as tf from '@tensorflow/tfjs';
import type { MultiTaskOptimizerKind } from '../../contracts/multitaskConfig.ts';

export const MULTI_TASK_OPTIMIZERS: readonly MultiTaskOptimizerKind[] = ['adam', 'adatask', 'adatask-rmsprop', 'adatask-adagrad'];

export interface OptimizerHyper {
  lr: number;
  beta1: number;
  beta2: number;
  /** Explicit: tfjs's default depends on the backend (ENGINE-NOTES). */
  epsilon: number;
  /** RMSProp's decay of the squared-gradient average. */
  rmspropDecay: number;
}

export const DEFAULT_OPTIMIZER_HYPER: OptimizerHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, rmspropDecay: 0.99 };

/** Moments of one parameter: first[k], second[k] per task (plain Adam: one shared second moment). */
export interface MomentState {
  first: Float64Array[];
  second: Float64Array[];
}

export function createMomentState(kind: MultiTaskOptimizerKind, size: number, tasks: number): MomentState {
  const firstCount = kind === 'adam' || kind === 'adatask' ? tasks : 0;
  const secondCount = kind === 'adam' ? 1 : tasks;
  return {
    first: Array.from({ length: firstCount }, () => new Float64Array(size)),
    second: Array.from({ length: secondCount }, () => new Float64Array(size)),
  };
}

/**
 * One step on one parameter: grads[k] is task k's gradient, t the 1-based step. Mutates theta
 * and state; returns each task's update (theta moved by their sum).
 */
export function multiTaskStep(
  kind: MultiTaskOptimizerKind,
  theta: Float64Array,
  grads: readonly ArrayLike<number>[],
  state: MomentState,
  t: number,
  h: OptimizerHyper,
): Float64Array[] {
  const T = grads.length;
  const n = theta.length;
  const updates = Array.from({ length: T }, () => new Float64Array(n));
  const c1 = 1 - Math.pow(h.beta1, t);
  const c2 = 1 - Math.pow(h.beta2, t);
  if (kind === 'adam') {
    const v = state.second[0];
    for (let i = 0; i < n; i++) {
      let g = 0;
      for (let k = 0; k < T; k++) g += grads[k][i];
      v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g;
      const denominator = Math.sqrt(v[i] / c2) + h.epsilon;
      for (let k = 0; k < T; k++) {
        const m = state.first[k];
        m[i] = h.beta1 * m[i] + (1 - h.beta1) * grads[k][i];
        updates[k][i] = (-h.lr * (m[i] / c1)) / denominator;
      }
    }
  } else {
    for (let k = 0; k < T; k++) {
      const g = grads[k];
      const v = state.second[k];
      const u = updates[k];
      for (let i = 0; i < n; i++) {
        if (kind === 'adatask') {
          const m = state.first[k];
          m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
          v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
          u[i] = ((-h.lr / c1) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(c2) + h.epsilon);
        } else {
          v[i] = kind === 'adatask-rmsprop' ? h.rmspropDecay * v[i] + (1 - h.rmspropDecay) * g[i] * g[i] : v[i] + g[i] * g[i];
          u[i] = (-h.lr * g[i]) / (Math.sqrt(v[i]) + h.epsilon);
        }
      }
    }
  }
  for (let k = 0; k < T; k++) for (let i = 0; i < n; i++) theta[i] += updates[k][i];
  return updates;
}

/** A MultiTaskOptimizer's state as plain arrays (checkpoints). */
export interface MultiTaskOptimizerState {
  kind: MultiTaskOptimizerKind;
  steps: number;
  moments: Float32Array[];
}

/** The same step on tf.Variables. */
export class MultiTaskOptimizer {
  private t = 0;
  private readonly sharedState: { first: tf.Variable[]; second: tf.Variable[] }[];
  private readonly specificState: { first: tf.Variable[]; second: tf.Variable[] }[];

  constructor(
    readonly kind: MultiTaskOptimizerKind,
    private readonly shared: tf.Variable[],
    private readonly specific: tf.Variable[],
    readonly tasks: number,
    readonly hyper: OptimizerHyper = DEFAULT_OPTIMIZER_HYPER,
  ) {
    const zeros = (v: tf.Variable, count: number) => Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false));
    const stateOf = (v: tf.Variable, T: number) =>
      tf.tidy(() => ({ first: zeros(v, kind === 'adam' || kind === 'adatask' ? T : 0), second: zeros(v, kind === 'adam' ? 1 : T) }));
    this.sharedState = shared.map((v) => stateOf(v, tasks));
    // Task-specific parameters: the plain optimiser, i.e. the same step with one summed gradient.
    this.specificState = specific.map((v) => stateOf(v, 1));
  }

  get steps(): number {
    return this.t;
  }

  /**
   * sharedGrads[k][i]: task k's gradient of shared variable i; specificGrads[j]: the summed-loss
   * gradient of task-specific variable j. Returns each task's update of each shared variable.
   */
  apply(sharedGrads: readonly (readonly tf.Tensor[])[], specificGrads: readonly tf.Tensor[]): Float32Array[][] {
    const updates: Float32Array[][] = Array.from({ length: this.tasks }, () => []);
    this.applyOnBackend(sharedGrads, specificGrads, (_, perTask) => perTask.forEach((u, k) => updates[k].push(u.dataSync() as Float32Array)));
    return updates;
  }

  /**
   * As apply, with each shared variable's per-task updates handed to `onUpdates(i, perTask)` as
   * tensors (freed after the step): nothing is read back, so a backend never waits for the CPU.
   */
  applyOnBackend(
    sharedGrads: readonly (readonly tf.Tensor[])[],
    specificGrads: readonly tf.Tensor[],
    onUpdates: (variable: number, perTask: tf.Tensor[]) => void,
  ): void {
    this.t++;
    tf.tidy(() => {
      this.shared.forEach((v, i) =>
        onUpdates(
          i,
          this.step(
            v,
            sharedGrads.map((g) => g[i]),
            this.sharedState[i],
          ),
        ),
      );
      this.specific.forEach((v, j) => this.step(v, [specificGrads[j]], this.specificState[j]));
    });
  }

  private step(v: tf.Variable, grads: tf.Tensor[], state: { first: tf.Variable[]; second: tf.Variable[] }): tf.Tensor[] {
    const h = this.hyper;
    const c1 = 1 - Math.pow(h.beta1, this.t);
    const c2 = 1 - Math.pow(h.beta2, this.t);
    const ema = (s: tf.Variable, decay: number, x: tf.Tensor): tf.Tensor => {
      const next = tf.add(tf.mul(s, decay), tf.mul(x, 1 - decay));
      s.assign(next);
      return next;
    };
    let updates: tf.Tensor[];
    if (this.kind === 'adam') {
      const g = grads.length === 1 ? grads[0] : tf.addN(grads);
      const denominator = tf.add(tf.sqrt(tf.div(ema(state.second[0], h.beta2, tf.square(g)), c2)), h.epsilon);
      updates = grads.map((gk, k) => tf.div(tf.mul(ema(state.first[k], h.beta1, gk), -h.lr / c1), denominator));
    } else if (this.kind === 'adatask') {
      updates = grads.map((gk, k) => {
        const m = ema(state.first[k], h.beta1, gk);
        const vk = ema(state.second[k], h.beta2, tf.square(gk));
        return tf.div(tf.mul(m, -h.lr / c1), tf.add(tf.div(tf.sqrt(vk), Math.sqrt(c2)), h.epsilon));
      });
    } else {
      updates = grads.map((gk, k) => {
        const s = state.second[k];
        let vk: tf.Tensor;
        if (this.kind === 'adatask-rmsprop') vk = ema(s, h.rmspropDecay, tf.square(gk));
        else {
          vk = tf.add(s, tf.square(gk));
          s.assign(vk);
        }
        return tf.div(tf.mul(gk, -h.lr), tf.add(tf.sqrt(vk), h.epsilon));
      });
    }
    v.assign(tf.add(v, updates.length === 1 ? updates[0] : tf.addN(updates)));
    return updates;
  }

  /** Every moment variable, shared parameters first, each parameter's first then second moments. */
  private moments(): tf.Variable[] {
    return [...this.sharedState, ...this.specificState].flatMap((s) => [...s.first, ...s.second]);
  }

  /** The step counter and a copy of every moment, to continue exactly where this optimiser stands. */
  exportState(): MultiTaskOptimizerState {
    return { kind: this.kind, steps: this.t, moments: this.moments().map((v) => Float32Array.from(v.dataSync())) };
  }

  /** Puts back a state exported from an optimiser of the same kind over the same parameters. */
  importState(state: MultiTaskOptimizerState): void {
    const moments = this.moments();
    if (state.kind !== this.kind) throw new RangeError(`the checkpoint's optimiser is ${state.kind}, this one ${this.kind}`);
    if (state.moments.length !== moments.length) throw new RangeError(`the checkpoint has ${state.moments.length} moments, the optimiser ${moments.length}`);
    moments.forEach((v, i) => {
      if (state.moments[i].length !== v.size) throw new RangeError(`moment ${i} has ${state.moments[i].length} values in the checkpoint, ${v.size} here`);
    });
    tf.tidy(() => moments.forEach((v, i) => v.assign(tf.tensor(state.moments[i], v.shape))));
    this.t = state.steps;
  }

  dispose(): void {
    for (const v of this.moments()) v.dispose();
  }
}
