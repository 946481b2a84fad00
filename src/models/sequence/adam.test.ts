import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../data/ctr/prng.ts';
import { ADAM } from '../optimizer.ts';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { ExplicitAdam } from './adam.ts';
import { adamComposed, adamUpdate, type AdamConstants } from '../../engine/adamKernel.ts';

beforeAll(() => selectBackend('cpu'));

describe('ExplicitAdam weight decay', () => {
  it('adds weightDecay * x to the gradient (torch.optim.Adam): a zero gradient still shrinks the weights by ~lr a step', () => {
    const x = tf.variable(tf.tensor1d([2, -3, 0.5]));
    const adam = new ExplicitAdam([x], 0.01, 0.1);
    adam.apply([tf.zeros([3])]);
    // First step: m / (sqrt(v) + eps) = sign(x) up to eps / |0.1 x| (<= 2e-7 here).
    const got = Array.from(x.dataSync());
    [1.99, -2.99, 0.49].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 5));
    adam.dispose();
    x.dispose();
  });

  it('is off by default: the update equals one without the argument, bit for bit', () => {
    const run = (make: (v: tf.Variable) => ExplicitAdam) => {
      const x = tf.variable(tf.tensor1d([0.3, -0.7]));
      const adam = make(x);
      for (let s = 0; s < 3; s++) adam.apply([tf.tensor1d([0.2 * (s + 1), -0.1])]);
      const out = Array.from(x.dataSync());
      adam.dispose();
      x.dispose();
      return out;
    };
    expect(run((x) => new ExplicitAdam([x], 0.05, 0))).toEqual(run((x) => new ExplicitAdam([x], 0.05)));
    expect(run((x) => new ExplicitAdam([x], 0.05, 1e-2))).not.toEqual(run((x) => new ExplicitAdam([x], 0.05)));
  });

  it('rejects a negative weight decay', () => {
    const x = tf.variable(tf.zeros([1]));
    expect(() => new ExplicitAdam([x], 0.01, -1)).toThrow(/weightDecay/);
    x.dispose();
  });

  it('takes one lr per variable: each steps by its own lr, and an all-equal list matches the one lr bit for bit', () => {
    const run = (lr: number | number[]) => {
      const a = tf.variable(tf.tensor1d([0.3, -0.7]));
      const b = tf.variable(tf.tensor1d([1.5]));
      const adam = new ExplicitAdam([a, b], lr);
      adam.apply([tf.tensor1d([0.2, -0.1]), tf.tensor1d([0.4])]);
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      adam.dispose();
      tf.dispose([a, b]);
      return out;
    };
    expect(run([0.05, 0.05])).toEqual(run(0.05));
    // First Adam step moves each weight by lr * sign(g) (up to eps / |g| <= 1e-7 here).
    const [a, b] = run([0.01, 0.1]);
    expect(a[0]).toBeCloseTo(0.29, 6);
    expect(a[1]).toBeCloseTo(-0.69, 6);
    expect(b[0]).toBeCloseTo(1.4, 6);
    const x = tf.variable(tf.zeros([1]));
    expect(() => new ExplicitAdam([x], [0.01, 0.01])).toThrow(/2 learning rates for 1 variables/);
    expect(() => new ExplicitAdam([x], [0])).toThrow(/lr must be positive/);
    x.dispose();
  });
});

/** The update one variable at a time, as tensor ops (what the fused kernel must reproduce). */
function perVariableAdam(variables: tf.Variable[], lrs: number[], weightDecay: number) {
  const m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  const v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  let t = 0;
  return {
    apply(grads: tf.Tensor[]) {
      t++;
      const c1 = 1 - ADAM.beta1 ** t;
      const c2 = 1 - ADAM.beta2 ** t;
      tf.tidy(() =>
        variables.forEach((x, i) => {
          const g = weightDecay > 0 ? tf.add(grads[i], tf.mul(x, weightDecay)) : grads[i];
          m[i].assign(tf.add(tf.mul(m[i], ADAM.beta1), tf.mul(g, 1 - ADAM.beta1)));
          v[i].assign(tf.add(tf.mul(v[i], ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2)));
          const denom = tf.add(tf.div(tf.sqrt(v[i]), Math.sqrt(c2)), ADAM.epsilon);
          x.assign(tf.sub(x, tf.mul(tf.div(m[i], denom), lrs[i] / c1)));
        }),
      );
    },
    exportState: () => ({ steps: t, m: m.map((x) => Float32Array.from(x.dataSync())), v: v.map((x) => Float32Array.from(x.dataSync())) }),
    dispose: () => tf.dispose([...m, ...v]),
  };
}

describe('ExplicitAdam: one fused kernel per variable (engine/adamKernel.ts, in torch’s order)', () => {
  afterAll(() => selectBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: the weights and moments of the tensor ops, bit for bit', async (backend) => {
    await selectBackend(backend);
    const rng = createRng(17);
    const values = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
    // Sizes that fill whole SIMD groups of 4 (300, 20000) and leave a remainder (7, 1).
    const start = [values(300, 2), values(20000, 0.5), values(7, 0.1), values(1, 1)];
    const grads = Array.from({ length: 12 }, (_, s) =>
      start.map((x, i) => (s === 5 && i === 2 ? new Float32Array(7) : values(x.length, s % 3 === 0 ? 1e-4 : 1))),
    );
    for (const [lrs, wd] of [
      [[3e-3, 3e-3, 3e-3, 3e-3], 0],
      [[3e-3, 0.01, 0.2, 0.05], 1e-2],
    ] as const) {
      const run = (grouped: boolean) => {
        const vars = start.map((x) => tf.tidy(() => tf.variable(tf.tensor1d(x))));
        const adam = grouped ? new ExplicitAdam(vars, [...lrs], wd) : perVariableAdam(vars, [...lrs], wd);
        for (const g of grads) tf.tidy(() => adam.apply(g.map((x) => tf.tensor1d(x))));
        const out = { weights: vars.map((x) => Array.from(x.dataSync())), state: adam.exportState() };
        adam.dispose();
        tf.dispose(vars);
        return out;
      };
      const before = tf.memory().numTensors;
      const grouped = run(true);
      const one = run(false);
      expect(tf.memory().numTensors).toBe(before);
      expect(grouped.weights).toEqual(one.weights);
      expect(grouped.state).toEqual(one.state);
      grouped.weights.forEach((w, i) => expect(w).not.toEqual(Array.from(start[i])));
    }
  });

  it('continues from its exported state exactly', () => {
    const run = (resume: boolean) => {
      const a = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -1.25, 3])));
      const b = tf.tidy(() => tf.variable(tf.tensor1d([2])));
      let adam = new ExplicitAdam([a, b], [0.1, 0.01]);
      tf.tidy(() => adam.apply([tf.tensor1d([0.3, -0.2, 0.1]), tf.tensor1d([1])]));
      if (resume) {
        const next = new ExplicitAdam([a, b], [0.1, 0.01]);
        next.importState(adam.exportState());
        adam.dispose();
        adam = next;
      }
      tf.tidy(() => adam.apply([tf.tensor1d([-0.1, 0.4, 0.2]), tf.tensor1d([-2])]));
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync()), adam.exportState()];
      tf.dispose([a, b]);
      adam.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('the torch-order Adam given tensors of different sizes', () => {
  afterAll(() => selectBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: throws rather than read or write past the smaller ones', async (backend) => {
    await selectBackend(backend);
    const k: AdamConstants = {
      order: 'torch',
      weightDecay: 0,
      beta1: 0.9,
      oneMinusBeta1: 0.1,
      beta2: 0.999,
      oneMinusBeta2: 0.001,
      sqrtC2: 0.03,
      epsilon: 1e-8,
      stepSize: 0.1,
    };
    const [x, small] = [tf.ones([64]), tf.ones([8])];
    const before = tf.memory().numTensors;
    for (const args of [
      [x, small, x, x],
      [x, x, small, x],
      [x, x, x, small],
    ] as const)
      expect(() => adamUpdate(...args, k)).toThrow(/sizes/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, small]);
  });
});

describe('the torch-order Adam: the tensor ops other backends run (webgl, webgpu)', () => {
  afterAll(() => selectBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: give the fused kernel’s values and moments bit for bit, with and without decay', async (backend) => {
    await selectBackend(backend);
    const rng = createRng(29);
    const values = (n: number, scale: number) => tf.tensor1d(Float32Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 0 : (rng.next() - 0.5) * scale)));
    const [x, g, m] = [values(1003, 2), values(1003, 1e-2), values(1003, 1e-3)];
    const v = tf.abs(values(1003, 1e-5));
    const before = tf.memory().numTensors;
    for (const weightDecay of [0, 0.01]) {
      const k: AdamConstants = {
        order: 'torch',
        weightDecay,
        beta1: 0.9,
        oneMinusBeta1: 0.1,
        beta2: 0.999,
        oneMinusBeta2: 0.001,
        sqrtC2: Math.sqrt(1 - 0.999 ** 3),
        epsilon: 1e-8,
        stepSize: 0.01 / (1 - 0.9 ** 3),
      };
      const fused = adamUpdate(x, g, m, v, k);
      const composed = adamComposed(x, g, m, v, k);
      fused.forEach((t, i) => expect(new Uint32Array(composed[i].dataSync().buffer)).toEqual(new Uint32Array(t.dataSync().buffer)));
      expect(Array.from(fused[0].dataSync()).some((y, i) => y !== x.dataSync()[i])).toBe(true);
      tf.dispose([...fused, ...composed]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, m, v]);
  });
});
