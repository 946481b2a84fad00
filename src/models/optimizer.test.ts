import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAM, createOptimizer } from './optimizer.ts';
import { selectBackend } from './testBackend.ts';

beforeAll(() => selectBackend('cpu'));

/** One Adam step from zero moments by hand (float64): theta - lr * m^ / (sqrt(v^) + eps). */
function adamStep(theta: number, grad: number, lr: number): number {
  const m = (1 - ADAM.beta1) * grad;
  const v = (1 - ADAM.beta2) * grad * grad;
  const mHat = m / (1 - ADAM.beta1);
  const vHat = v / (1 - ADAM.beta2);
  return theta - (lr * mHat) / (Math.sqrt(vHat) + ADAM.epsilon);
}

describe('createOptimizer', () => {
  it('takes a PyTorch Adam step with L2 decay added to the gradient', () => {
    const w = tf.variable(tf.tensor1d([0.5, -2, 3]));
    const opt = createOptimizer(0.1, 0.01);
    // loss = sum(c * w): gradient c, plus 0.01 * w from the decay.
    const c = [1, 0, -1e-4];
    tf.tidy(() => opt.minimize(() => tf.sum(tf.mul(w, c)), [w]));
    const got = Array.from(w.dataSync());
    [0.5, -2, 3].forEach((theta, i) => expect(got[i]).toBeCloseTo(adamStep(theta, c[i] + 0.01 * theta, 0.1), 5));
    opt.dispose();
    w.dispose();
  });

  it('returns the loss before the step and keeps no tensors per step', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = createOptimizer(1e-2, 0);
    const step = () => tf.tidy(() => opt.minimize(() => tf.sum(tf.square(w)), [w]).dataSync()[0]);
    expect(step()).toBeCloseTo(5, 5);
    const after = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(after);
    opt.dispose();
    w.dispose();
  });
});
