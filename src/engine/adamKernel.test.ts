import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { adamComposed, adamUpdate, installAdamKernel, type AdamConstants } from './adamKernel.ts';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Values spread over several magnitudes, signs and exact zeros: the rounding paths all get taken. */
function values(n: number, seed: number, scale: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648 - 0.5;
    return i % 11 === 0 ? 0 : u * scale * 10 ** ((i % 5) - 2);
  });
}

/**
 * Runs `steps` Adam steps on variables of the given sizes with tfjs's own AdamOptimizer (decay
 * added to the gradient as optimizer.ts does) and with `update`, from the same start, and returns
 * the values and moments of both.
 */
async function runBoth(
  sizes: number[],
  steps: number,
  lr: number,
  weightDecay: number,
  update: typeof adamUpdate,
): Promise<{ tfjs: Float32Array[]; fused: Float32Array[] }> {
  const start = sizes.map((n, i) => values(n, 1 + i, 1));
  const a: tf.Variable[] = start.map((x) => tf.tidy(() => tf.variable(tf.tensor1d(x))));
  const b: tf.Variable[] = start.map((x) => tf.tidy(() => tf.variable(tf.tensor1d(x))));
  const adam = tf.train.adam(lr, BETA1, BETA2, EPS);
  const m: tf.Tensor[] = b.map((x) => tf.zerosLike(x));
  const v: tf.Tensor[] = b.map((x) => tf.zerosLike(x));
  const f = Math.fround;
  let powers = [f(BETA1), f(BETA2)];
  for (let t = 0; t < steps; t++) {
    const grads = sizes.map((n, i) => tf.tensor1d(values(n, 100 * t + i + 7, 1e-2)));
    tf.tidy(() => adam.applyGradients(a.map((x, i) => ({ name: x.name, tensor: weightDecay > 0 ? tf.add(grads[i], tf.mul(x, weightDecay)) : grads[i] }))));
    const c: AdamConstants = {
      order: 'tfjs',
      weightDecay,
      beta1: BETA1,
      oneMinusBeta1: 1 - BETA1,
      beta2: BETA2,
      oneMinusBeta2: 1 - BETA2,
      oneMinusAccBeta1: f(1 - powers[0]),
      oneMinusAccBeta2: f(1 - powers[1]),
      epsilon: EPS,
      negLr: -lr,
    };
    b.forEach((x, i) => {
      const [x2, m2, v2] = update(x, grads[i], m[i], v[i], c);
      x.assign(x2);
      tf.dispose([x2, m[i], v[i]]);
      [m[i], v[i]] = [m2, v2];
    });
    powers = [f(powers[0] * f(BETA1)), f(powers[1] * f(BETA2))];
    tf.dispose(grads);
  }
  const [iterations, ...w] = await adam.getWeights();
  iterations.tensor.dispose();
  const read = (xs: tf.Tensor[]) => xs.map((x) => x.dataSync() as Float32Array);
  const result = { tfjs: [...read(a), ...read(w.map((x) => x.tensor))], fused: [...read(b), ...read(m), ...read(v)] };
  adam.dispose();
  tf.dispose([...a, ...b, ...m, ...v]);
  return result;
}

async function expectSameBits(sizes: number[], steps: number, lr: number, weightDecay: number, update: typeof adamUpdate): Promise<void> {
  const before = tf.memory().numTensors;
  const { tfjs, fused } = await runBoth(sizes, steps, lr, weightDecay, update);
  expect(fused).toHaveLength(tfjs.length);
  tfjs.forEach((x, i) => {
    const [want, got] = [new Uint32Array(x.buffer), new Uint32Array(fused[i].buffer)];
    expect(got.length).toBe(want.length);
    expect(want.filter((w, j) => w !== got[j]).length).toBe(0);
  });
  expect(tf.memory().numTensors).toBe(before);
}

describe.each(['cpu', 'wasm'] as const)('the fused Adam kernel on %s', (backend) => {
  it('runs as a kernel here', async () => {
    await selectBackend(backend);
    installAdamKernel();
    expect(tf.getKernel('ReclensAdam', backend)).toBeDefined();
  });

  // Sizes below, at and above the 4-lane groups, with a remainder, and one of ~100k values.
  const sizes = [1, 3, 4, 7, 64, 1001, 100003];

  it('matches tfjs AdamOptimizer bit for bit, values and both moments, with coupled decay', async () => {
    await selectBackend(backend);
    installAdamKernel();
    await expectSameBits(sizes, 12, 1e-2, 1e-2, adamUpdate);
  });

  it('matches it without decay and at a larger learning rate', async () => {
    await selectBackend(backend);
    installAdamKernel();
    await expectSameBits(sizes, 12, 0.5, 0, adamUpdate);
  });

  it('the composed fallback matches it too', async () => {
    await selectBackend(backend);
    await expectSameBits([7, 1001], 6, 1e-2, 1e-2, adamComposed);
  });

  it('a wrong learning rate is seen (the check can fail)', async () => {
    await selectBackend(backend);
    installAdamKernel();
    const wrong: typeof adamUpdate = (x, g, m, v, c) => adamUpdate(x, g, m, v, c.order === 'tfjs' ? { ...c, negLr: c.negLr * (1 + 1e-6) } : c);
    await expect(expectSameBits([1001], 3, 1e-2, 1e-2, wrong)).rejects.toThrow();
  });
});

describe.each(['cpu', 'wasm'] as const)('the fused Adam kernel on %s, given tensors of different sizes', (backend) => {
  it('throws rather than read or write past the smaller ones (tfjs ops would not broadcast them either)', async () => {
    await selectBackend(backend);
    installAdamKernel();
    const c: AdamConstants = {
      order: 'tfjs',
      weightDecay: 0,
      beta1: BETA1,
      oneMinusBeta1: 0.1,
      beta2: BETA2,
      oneMinusBeta2: 0.001,
      oneMinusAccBeta1: 0.1,
      oneMinusAccBeta2: 0.001,
      epsilon: EPS,
      negLr: -0.01,
    };
    const [x, small] = [tf.ones([64]), tf.ones([8])];
    const before = tf.memory().numTensors;
    for (const args of [
      [x, small, x, x],
      [x, x, small, x],
      [x, x, x, small],
    ] as const)
      expect(() => adamUpdate(...args, c)).toThrow(/sizes/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, small]);
  });
});
