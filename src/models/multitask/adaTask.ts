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
import { fusedMultiTaskStep, multiTaskStepInPlace, multiTaskStepAvailable, type StepConstants, type StepShape } from '../../engine/multiTaskStepKernel.ts';
import { FlatLayout } from './flatLayout.ts';

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

interface FlatMoments {
  first: tf.Variable[];
  second: tf.Variable[];
}

/** The same step on tf.Variables, each group's variables updated as one flat tensor (FlatLayout). */
export class MultiTaskOptimizer {
  private t = 0;
  private readonly sharedLayout: FlatLayout;
  private readonly specificLayout: FlatLayout;
  private readonly sharedState: FlatMoments;
  private readonly specificState: FlatMoments;

  constructor(
    readonly kind: MultiTaskOptimizerKind,
    shared: tf.Variable[],
    specific: tf.Variable[],
    readonly tasks: number,
    readonly hyper: OptimizerHyper = DEFAULT_OPTIMIZER_HYPER,
  ) {
    this.sharedLayout = new FlatLayout(shared);
    this.specificLayout = new FlatLayout(specific);
    const zeros = (n: number, count: number) => Array.from({ length: count }, () => tf.variable(tf.zeros([n]), false));
    const stateOf = (n: number, T: number): FlatMoments =>
      tf.tidy(() => ({ first: zeros(n, kind === 'adam' || kind === 'adatask' ? T : 0), second: zeros(n, kind === 'adam' ? 1 : T) }));
    this.sharedState = stateOf(this.sharedLayout.total, tasks);
    // Task-specific parameters: the plain optimiser, i.e. the same step with one summed gradient.
    this.specificState = stateOf(this.specificLayout.total, 1);
  }

  get steps(): number {
    return this.t;
  }

  /** Where each shared variable lies in the flat updates applyOnBackend hands out. */
  get sharedFlat(): FlatLayout {
    return this.sharedLayout;
  }

  /**
   * sharedGrads[k][i]: task k's gradient of shared variable i; specificGrads[j]: the summed-loss
   * gradient of task-specific variable j. Returns each task's update of each shared variable.
   */
  apply(sharedGrads: readonly (readonly tf.Tensor[])[], specificGrads: readonly tf.Tensor[]): Float32Array[][] {
    const updates: Float32Array[][] = Array.from({ length: this.tasks }, () => []);
    this.applyOnBackend(sharedGrads, specificGrads, (perTask) =>
      perTask.forEach((u, k) => {
        const flat = u.dataSync() as Float32Array;
        this.sharedLayout.variables.forEach((_, i) => updates[k].push(this.sharedLayout.partOf(flat, i).slice()));
      }),
    );
    return updates;
  }

  /**
   * As apply, with each task's update of all shared variables handed to `onUpdates(perTask)` as
   * one flat tensor (laid out as sharedFlat; freed after the step): nothing is read back, so a
   * backend never waits for the CPU.
   */
  applyOnBackend(sharedGrads: readonly (readonly tf.Tensor[])[], specificGrads: readonly tf.Tensor[], onUpdates: (perTask: tf.Tensor1D[]) => void): void {
    this.t++;
    tf.tidy(() => {
      if (this.sharedLayout.total > 0)
        onUpdates(
          this.step(
            this.sharedLayout,
            sharedGrads.map((g) => this.sharedLayout.flatten(g)),
            this.sharedState,
          ),
        );
      if (this.specificLayout.total > 0) this.step(this.specificLayout, [this.specificLayout.flatten(specificGrads)], this.specificState);
    });
  }

  /**
   * As applyOnBackend, and the AU of each task's update of the shared parameters kept in `au` (one
   * flat variable per task, laid out as sharedFlat): au = au * beta + u^2 * (1 - beta). On cpu and
   * wasm the whole step is one kernel per parameter group (engine/multiTaskStepKernel.ts, the same
   * bits); elsewhere the tensor ops.
   */
  applyTracking(sharedGrads: readonly (readonly tf.Tensor[])[], specificGrads: readonly tf.Tensor[], au: readonly tf.Variable[], beta: number): void {
    const sharedShape: StepShape = { kind: this.kind, tasks: this.tasks, au: true };
    const specificShape: StepShape = { kind: this.kind, tasks: 1, au: false };
    if (!multiTaskStepAvailable(sharedShape) || !multiTaskStepAvailable(specificShape)) {
      this.applyOnBackend(sharedGrads, specificGrads, (perTask) =>
        perTask.forEach((u, k) => au[k].assign(tf.add(tf.mul(au[k], beta), tf.mul(tf.square(u), 1 - beta)))),
      );
      return;
    }
    this.t++;
    const constants = this.constants(beta);
    const run = (shape: StepShape, layout: FlatLayout, grads: readonly (readonly tf.Tensor[])[], state: FlatMoments, tracked: readonly tf.Variable[]) => {
      if (layout.total === 0) return;
      const moments = [...state.first, ...state.second];
      const inputs = { params: [...layout.variables], grads, moments, au: [...tracked] };
      const params = multiTaskStepInPlace(shape, constants, inputs);
      if (params) {
        layout.variables.forEach((v, i) => v.assign(params[i]));
        tf.dispose(params);
        return;
      }
      const out = fusedMultiTaskStep(shape, constants, inputs);
      layout.variables.forEach((v, i) => v.assign(out.params[i]));
      moments.forEach((m, j) => m.assign(out.moments[j]));
      tracked.forEach((a, k) => a.assign(out.au[k]));
      tf.dispose([...out.params, ...out.moments, ...out.au]);
    };
    run(sharedShape, this.sharedLayout, sharedGrads, this.sharedState, au);
    run(specificShape, this.specificLayout, [specificGrads], this.specificState, []);
  }

  /** This step's scalars as the tensor ops of `step` make them (auBeta: the AU's decay). */
  private constants(auBeta: number): StepConstants {
    const h = this.hyper;
    const c1 = 1 - Math.pow(h.beta1, this.t);
    const c2 = 1 - Math.pow(h.beta2, this.t);
    const adamLike = this.kind === 'adam' || this.kind === 'adatask';
    return {
      beta1: h.beta1,
      oneMinusBeta1: 1 - h.beta1,
      beta2: h.beta2,
      oneMinusBeta2: 1 - h.beta2,
      decay: h.rmspropDecay,
      oneMinusDecay: 1 - h.rmspropDecay,
      scale: adamLike ? -h.lr / c1 : -h.lr,
      divisor: this.kind === 'adam' ? c2 : Math.sqrt(c2),
      epsilon: h.epsilon,
      auBeta,
      oneMinusAuBeta: 1 - auBeta,
    };
  }

  private step(layout: FlatLayout, grads: tf.Tensor1D[], state: FlatMoments): tf.Tensor1D[] {
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
    const total = updates.length === 1 ? updates[0] : tf.addN(updates);
    layout.variables.forEach((v, i) => v.assign(tf.add(v, layout.part(total, i))));
    return updates as tf.Tensor1D[];
  }

  /** Each flat moment with its layout: shared parameters first, first then second moments. */
  private flatMoments(): { layout: FlatLayout; moments: tf.Variable[] }[] {
    return [
      { layout: this.sharedLayout, moments: [...this.sharedState.first, ...this.sharedState.second] },
      { layout: this.specificLayout, moments: [...this.specificState.first, ...this.specificState.second] },
    ];
  }

  /**
   * The step counter and a copy of every moment, to continue exactly where this optimiser stands:
   * per parameter (shared ones first), its first then its second moments.
   */
  exportState(): MultiTaskOptimizerState {
    const moments: Float32Array[] = [];
    for (const { layout, moments: flat } of this.flatMoments()) {
      const values = flat.map((m) => m.dataSync() as Float32Array);
      layout.variables.forEach((_, i) => values.forEach((m) => moments.push(layout.partOf(m, i).slice())));
    }
    return { kind: this.kind, steps: this.t, moments };
  }

  /** Puts back a state exported from an optimiser of the same kind over the same parameters. */
  importState(state: MultiTaskOptimizerState): void {
    const groups = this.flatMoments();
    const expected = groups.reduce((n, g) => n + g.layout.variables.length * g.moments.length, 0);
    if (state.kind !== this.kind) throw new RangeError(`the checkpoint's optimiser is ${state.kind}, this one ${this.kind}`);
    if (state.moments.length !== expected) throw new RangeError(`the checkpoint has ${state.moments.length} moments, the optimiser ${expected}`);
    let next = 0;
    const filled = groups.map(({ layout, moments }) => {
      const values = moments.map(() => new Float32Array(layout.total));
      layout.variables.forEach((v, i) =>
        values.forEach((m) => {
          const saved = state.moments[next];
          if (saved.length !== v.size) throw new RangeError(`moment ${next} has ${saved.length} values in the checkpoint, ${v.size} here`);
          layout.partOf(m, i).set(saved);
          next++;
        }),
      );
      return values;
    });
    tf.tidy(() => groups.forEach(({ moments }, g) => moments.forEach((m, j) => m.assign(tf.tensor1d(filled[g][j])))));
    this.t = state.steps;
  }

  dispose(): void {
    for (const { moments } of this.flatMoments()) for (const m of moments) m.dispose();
  }
}
