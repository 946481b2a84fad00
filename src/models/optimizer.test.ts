import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAM, createOptimizer } from './optimizer.ts';
import { selectBackend } from '../../test/support/testBackend.ts';

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

describe('optimizer state', () => {
  it('an imported state continues exactly where the exported one was', async () => {
    const loss = (w: tf.Variable) => () => tf.sum(tf.mul(tf.square(w), tf.tensor1d([1, 3, 0.5]))) as tf.Scalar;
    const a = tf.variable(tf.tensor1d([1, -2, 0.7]));
    const optA = createOptimizer(0.05, 1e-3);
    for (let i = 0; i < 3; i++) tf.tidy(() => opt(optA, loss(a), a));
    const state = await optA.exportState([a]);
    expect(state.iterations).toBe(3);
    expect(state.moments).toHaveLength(1);

    // A fresh variable and optimizer, given the saved values and moments, take the same next steps.
    const start = Array.from(a.dataSync());
    const b = tf.variable(tf.tensor1d(start));
    const optB = createOptimizer(0.05, 1e-3);
    await optB.importState(state, [b]);
    // Control: the same values with fresh moments (the check below could fail).
    const c = tf.variable(tf.tensor1d(start));
    const optC = createOptimizer(0.05, 1e-3);
    for (let i = 0; i < 2; i++) {
      tf.tidy(() => opt(optA, loss(a), a));
      tf.tidy(() => opt(optB, loss(b), b));
      tf.tidy(() => opt(optC, loss(c), c));
    }
    const [ga, gb, gc] = [a.dataSync(), b.dataSync(), c.dataSync()];
    for (let i = 0; i < 3; i++) expect(gb[i]).toBeCloseTo(ga[i], 6);
    expect(Math.abs(gc[0] - ga[0])).toBeGreaterThan(1e-3);
    optC.dispose();
    optA.dispose();
    optB.dispose();
    tf.dispose([a, b, c]);
  });

  it('exports no moments before the first step and imports that as a no-op', async () => {
    const w = tf.variable(tf.tensor1d([1]));
    const o = createOptimizer(0.1, 0);
    const state = await o.exportState([w]);
    expect(state).toMatchObject({ iterations: 0, moments: [] });
    await o.importState(state, [w]);
    o.dispose();
    w.dispose();
  });
});

function opt(o: ReturnType<typeof createOptimizer>, loss: () => tf.Scalar, w: tf.Variable): tf.Scalar {
  return o.minimize(loss, [w]);
}

describe.each(['cpu', 'wasm'] as const)('createOptimizer on %s', (backend) => {
  it("steps bit for bit as tfjs's AdamOptimizer given the decayed gradient, over 10 steps", async () => {
    await selectBackend(backend);
    const start = Float32Array.from({ length: 1030 }, (_, i) => Math.sin(i * 1.7) * 2 ** ((i % 7) - 3));
    const weights = Float32Array.from({ length: 1030 }, (_, i) => Math.cos(i * 0.3));
    const [a, b] = [0, 1].map(() => tf.tidy(() => tf.variable(tf.tensor1d(start))));
    const lossOf = (w: tf.Variable) => () => tf.sum(tf.mul(tf.square(w), weights)) as tf.Scalar;
    const mine = createOptimizer(0.03, 1e-3);
    const stock = tf.train.adam(0.03, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
    for (let t = 0; t < 10; t++) {
      tf.tidy(() => mine.minimize(lossOf(a), [a]));
      tf.tidy(() => {
        const { grads } = tf.variableGrads(lossOf(b), [b]);
        stock.applyGradients([{ name: b.name, tensor: tf.add(grads[b.name], tf.mul(b, 1e-3)) }]);
      });
    }
    const [got, want] = [a.dataSync(), b.dataSync()];
    expect(Array.from(got).filter((x, i) => x !== want[i])).toEqual([]);
    expect(Array.from(got).reduce((s, x, i) => s + Math.abs(x - start[i]), 0)).toBeGreaterThan(10);
    mine.dispose();
    stock.dispose();
    tf.dispose([a, b]);
  });
});
