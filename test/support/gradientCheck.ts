/**
 * Finite differences against tfjs gradients, for tests. Each variable is checked along random
 * unit directions (all its coordinates at once) and along its largest-gradient coordinates;
 * errors are relative to the gradient's norm (float32 forwards limit the accuracy).
 *
 * ReLU networks are only piecewise smooth. Where a ReLU input sits near 0 (a BatchNorm output at
 * beta = 0, say) a central difference straddles the kink and averages the two one-sided slopes
 * while the gradient is one of them. So each candidate is compared with three Richardson-
 * extrapolated quotients, central, right-sided and left-sided, and the closest counts: a right
 * gradient matches at least one, a wrong one matches none.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/data/ctr/prng.ts';

export interface GradientCheck {
  variable: number;
  shape: number[];
  gradNorm: number;
  /** Largest relative error over the random directions. */
  directionalError: number;
  /** Largest relative error over the largest-gradient coordinates. */
  coordinateError: number;
}

export interface GradientCheckOptions {
  step: number;
  seed: number;
  /** Gradient norms below this are compared in absolute terms (an all-but-zero gradient). */
  floor: number;
  /** Random directions and top coordinates checked per variable. */
  candidates: number;
}

const DEFAULTS: GradientCheckOptions = { step: 1e-2, seed: 1, floor: 1e-2, candidates: 2 };

export function checkGradients(loss: () => tf.Scalar, variables: tf.Variable[], options: Partial<GradientCheckOptions> = {}): GradientCheck[] {
  const { step: h, seed, floor, candidates } = { ...DEFAULTS, ...options };
  const rng = createRng(seed);
  const grads = tf.tidy(() => {
    const r = tf.variableGrads(loss, variables);
    return variables.map((v) => r.grads[v.name].dataSync().slice());
  });

  return variables.map((v, k) => {
    const base = v.dataSync().slice() as Float32Array;
    const g = grads[k];
    const gradNorm = Math.hypot(...g);
    const scale = Math.max(gradNorm, floor);
    const lossAt = (d: Float32Array, t: number): number => {
      tf.tidy(() =>
        v.assign(
          tf.tensor(
            base.map((x, i) => x + t * d[i]),
            v.shape,
          ),
        ),
      );
      return tf.tidy(() => loss().dataSync()[0]);
    };
    const errorAlong = (d: Float32Array): number => {
      let analytic = 0;
      for (let i = 0; i < d.length; i++) analytic += g[i] * d[i];
      const [l0, p1, p2, m1, m2] = [0, h, h / 2, -h, -h / 2].map((t) => lossAt(d, t));
      const central = (4 * ((p2 - m2) / h) - (p1 - m1) / (2 * h)) / 3;
      const right = 2 * ((p2 - l0) / (h / 2)) - (p1 - l0) / h;
      const left = 2 * ((l0 - m2) / (h / 2)) - (l0 - m1) / h;
      return Math.min(...[central, right, left].map((fd) => Math.abs(fd - analytic))) / scale;
    };

    const directions = Array.from({ length: candidates }, () => {
      const d = Float32Array.from(base, () => rng.normal());
      const n = Math.hypot(...d);
      return d.map((x) => x / n);
    });
    const top = Array.from(g.keys())
      .sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]))
      .slice(0, candidates)
      .map((i) => {
        const e = new Float32Array(base.length);
        e[i] = 1;
        return e;
      });
    const directionalError = Math.max(...directions.map(errorAlong));
    const coordinateError = Math.max(...top.map(errorAlong));
    tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
    return { variable: k, shape: v.shape, gradNorm, directionalError, coordinateError };
  });
}
