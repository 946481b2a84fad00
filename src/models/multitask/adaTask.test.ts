import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/support/testBackend.ts';
import { createMomentState, MULTI_TASK_OPTIMIZERS, MultiTaskOptimizer, multiTaskStep, type OptimizerHyper } from './adaTask.ts';

const H: OptimizerHyper = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, rmspropDecay: 0.9 };

describe('multiTaskStep (pure)', () => {
  it('AdaTask (Adam form) equals the formula on hand-computed numbers at t = 1 and t = 2', () => {
    const theta = Float64Array.from([1]);
    const state = createMomentState('adatask', 1, 2);
    // t = 1, g^A = 2, g^B = -0.5: m^A = 0.2, v^A = 0.004, m^B = -0.05, v^B = 0.00025,
    // c1 = 0.1, c2 = 0.001: u^A = -(0.1 / 0.1) 0.2 / (sqrt(4) + eps), u^B = 0.05 / (0.5 + eps).
    let u = multiTaskStep('adatask', theta, [[2], [-0.5]], state, 1, H);
    expect(u[0][0]).toBeCloseTo(-0.2 / (2 + 1e-8), 14);
    expect(u[1][0]).toBeCloseTo(0.05 / (0.5 + 1e-8), 14);
    expect(theta[0]).toBeCloseTo(1, 7);
    // t = 2, g^A = 1, g^B = 0.5: m^A = 0.28, v^A = 0.004996, m^B = 0.005, v^B = 0.00049975,
    // c1 = 0.19, c2 = 0.001999.
    u = multiTaskStep('adatask', theta, [[1], [0.5]], state, 2, H);
    expect(state.first[0][0]).toBeCloseTo(0.28, 12);
    expect(state.second[0][0]).toBeCloseTo(0.004996, 12);
    expect(state.first[1][0]).toBeCloseTo(0.005, 12);
    expect(state.second[1][0]).toBeCloseTo(0.00049975, 12);
    expect(u[0][0]).toBeCloseTo((-(0.1 / 0.19) * 0.28) / (Math.sqrt(0.004996) / Math.sqrt(0.001999) + 1e-8), 12);
    expect(u[0][0]).toBeCloseTo(-0.0932179633, 9);
    expect(u[1][0]).toBeCloseTo(-0.0052631578, 9);
    expect(theta[0]).toBeCloseTo(1 - 0.0932179633 - 0.0052631578, 8);
  });

  it('plain Adam splits its step into per-task updates with a shared second moment', () => {
    const theta = Float64Array.from([0]);
    const state = createMomentState('adam', 1, 2);
    // g = 1.5, vhat = 2.25: u^A = -0.1 * 2 / 1.5, u^B = -0.1 * -0.5 / 1.5.
    const u = multiTaskStep('adam', theta, [[2], [-0.5]], state, 1, H);
    expect(u[0][0]).toBeCloseTo(-0.2 / 1.5, 7);
    expect(u[1][0]).toBeCloseTo(0.05 / 1.5, 7);
    expect(theta[0]).toBeCloseTo(-0.1, 7);
  });

  it('RMSProp and AdaGrad forms follow their formulas at t = 1 and t = 2', () => {
    const rms = createMomentState('adatask-rmsprop', 1, 2);
    const ada = createMomentState('adatask-adagrad', 1, 2);
    const t1 = Float64Array.from([0]);
    const t2 = Float64Array.from([0]);
    multiTaskStep('adatask-rmsprop', t1, [[2], [-0.5]], rms, 1, H);
    const r2 = multiTaskStep('adatask-rmsprop', t1, [[1], [0.5]], rms, 2, H);
    // v^A = 0.9 * 0.4 + 0.1 * 1 = 0.46; v^B = 0.9 * 0.025 + 0.1 * 0.25 = 0.0475.
    expect(r2[0][0]).toBeCloseTo(-0.1 / (Math.sqrt(0.46) + 1e-8), 12);
    expect(r2[1][0]).toBeCloseTo((-0.1 * 0.5) / (Math.sqrt(0.0475) + 1e-8), 12);
    multiTaskStep('adatask-adagrad', t2, [[2], [-0.5]], ada, 1, H);
    const a2 = multiTaskStep('adatask-adagrad', t2, [[1], [0.5]], ada, 2, H);
    // v^A = 4 + 1, v^B = 0.25 + 0.25.
    expect(a2[0][0]).toBeCloseTo(-0.1 / (Math.sqrt(5) + 1e-8), 12);
    expect(a2[1][0]).toBeCloseTo((-0.1 * 0.5) / (Math.sqrt(0.5) + 1e-8), 12);
  });
});

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * (i % 3 === 0 ? 10 : 0.1);
  }
  return out;
}

describe('MultiTaskOptimizer (tfjs)', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(MULTI_TASK_OPTIMIZERS)('%s matches the pure step on shared and task-specific variables over 3 steps', (kind) => {
    const n = 7;
    const shared = tf.variable(tf.tensor1d(seeded(n, 1)));
    const own = tf.variable(tf.tensor1d(seeded(n, 2)));
    const opt = new MultiTaskOptimizer(kind, [shared], [own], 2, H);
    const theta = Float64Array.from(seeded(n, 1));
    const thetaOwn = Float64Array.from(seeded(n, 2));
    const state = createMomentState(kind, n, 2);
    const ownState = createMomentState(kind, n, 1);
    for (let t = 1; t <= 3; t++) {
      const gA = seeded(n, 10 + t);
      const gB = seeded(n, 20 + t);
      const gOwn = seeded(n, 30 + t);
      const expected = multiTaskStep(kind, theta, [gA, gB], state, t, H);
      multiTaskStep(kind, thetaOwn, [gOwn], ownState, t, H);
      const tensors = [tf.tensor1d(gA), tf.tensor1d(gB), tf.tensor1d(gOwn)];
      const got = opt.apply([[tensors[0]], [tensors[1]]], [tensors[2]]);
      tf.dispose(tensors);
      for (let k = 0; k < 2; k++) for (let i = 0; i < n; i++) expect(got[k][0][i]).toBeCloseTo(expected[k][i], 5);
    }
    const s = shared.dataSync();
    const o = own.dataSync();
    for (let i = 0; i < n; i++) {
      expect(s[i]).toBeCloseTo(theta[i], 5);
      expect(o[i]).toBeCloseTo(thetaOwn[i], 5);
    }
    opt.dispose();
    shared.dispose();
    own.dispose();
  });

  it('adam moves shared parameters like tf.train.adam on the summed gradient', () => {
    const n = 5;
    const a = tf.variable(tf.tensor1d(seeded(n, 3)));
    const b = tf.variable(tf.tensor1d(seeded(n, 3)));
    const ours = new MultiTaskOptimizer('adam', [a], [], 2, { ...H, epsilon: 1e-10 });
    const reference = tf.train.adam(H.lr, H.beta1, H.beta2, 1e-10);
    for (let t = 1; t <= 4; t++) {
      const gA = tf.tensor1d(seeded(n, 40 + t));
      const gB = tf.tensor1d(seeded(n, 50 + t));
      ours.apply([[gA], [gB]], []);
      const sum = tf.add(gA, gB);
      reference.applyGradients([{ name: b.name, tensor: sum }]);
      tf.dispose([gA, gB, sum]);
    }
    const x = a.dataSync();
    const y = b.dataSync();
    for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(y[i], 5);
    ours.dispose();
    reference.dispose();
    tf.dispose([a, b]);
  });
});

/** Variables of these shapes: sizes off multiples of 4 (the kernel's JS tail), 2-D ones, exact zeros among the values. */
const SHARED_SHAPES = [[13, 4], [7], [3, 5], [64], [1]];
const SPECIFIC_SHAPES = [[6, 3], [2]];

function variablesOf(shapes: number[][], seed: number): tf.Variable[] {
  return shapes.map((shape, i) =>
    tf.tidy(() => {
      const values = seeded(
        shape.reduce((s, n) => s * n, 1),
        seed + i,
      );
      values.forEach((_, j) => j % 9 === 4 && (values[j] = 0));
      return tf.variable(tf.tensor(values, shape));
    }),
  );
}

/** Bits of every variable, moment and AU after `steps` steps of applyTracking (fused) or applyOnBackend with the AU as tensor ops (composed). */
function trackedRun(
  kind: (typeof MULTI_TASK_OPTIMIZERS)[number],
  tasks: number,
  steps: number,
  fused: boolean,
): { values: Uint32Array[]; moments: Uint32Array[] } {
  const shared = variablesOf(SHARED_SHAPES, 1);
  const specific = variablesOf(SPECIFIC_SHAPES, 50);
  const opt = new MultiTaskOptimizer(kind, shared, specific, tasks, H);
  const total = opt.sharedFlat.total;
  const au = Array.from({ length: tasks }, () => tf.tidy(() => tf.variable(tf.zeros([total]), false)));
  const beta = 0.9;
  for (let t = 0; t < steps; t++) {
    tf.tidy(() => {
      // Some gradients exactly zero (untouched embedding rows): the signs of zero must match too.
      const grads = Array.from({ length: tasks }, (_, k) =>
        SHARED_SHAPES.map((shape, i) =>
          i === 1 && k === 0
            ? tf.zeros(shape)
            : tf.tensor(
                seeded(
                  shape.reduce((s, n) => s * n, 1),
                  100 * t + 10 * k + i,
                ),
                shape,
              ),
        ),
      );
      const own = SPECIFIC_SHAPES.map((shape, i) =>
        tf.tensor(
          seeded(
            shape.reduce((s, n) => s * n, 1),
            1000 + 100 * t + i,
          ),
          shape,
        ),
      );
      if (fused) opt.applyTracking(grads, own, au, beta);
      else opt.applyOnBackend(grads, own, (perTask) => perTask.forEach((u, k) => au[k].assign(tf.add(tf.mul(au[k], beta), tf.mul(tf.square(u), 1 - beta)))));
    });
  }
  const bits = (x: Float32Array) => new Uint32Array(Float32Array.from(x).buffer);
  const values = [...shared, ...specific, ...au].map((v) => bits(v.dataSync() as Float32Array));
  const moments = opt.exportState().moments.map(bits);
  opt.dispose();
  tf.dispose([...shared, ...specific, ...au]);
  return { values, moments };
}

describe.each(['wasm', 'cpu'] as const)('MultiTaskOptimizer.applyTracking on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(MULTI_TASK_OPTIMIZERS.flatMap((kind) => [2, 3].map((tasks) => [kind, tasks] as const)))(
    '%s with %i tasks: the fused kernel gives the bits of the tensor ops, variables, moments and AU, over 4 steps',
    (kind, tasks) => {
      const before = tf.memory().numTensors;
      const composed = trackedRun(kind, tasks, 4, false);
      const fused = trackedRun(kind, tasks, 4, true);
      expect(tf.memory().numTensors).toBe(before);
      expect(fused.values.length).toBe(composed.values.length);
      fused.values.forEach((v, i) => expect(Array.from(v), `tensor ${i}`).toEqual(Array.from(composed.values[i])));
      fused.moments.forEach((m, i) => expect(Array.from(m), `moment ${i}`).toEqual(Array.from(composed.moments[i])));
      // The run moved the parameters and filled the AU (a step that did nothing would pass the comparison).
      expect(fused.values.some((v) => v.some((x) => x !== 0))).toBe(true);
    },
  );

  it('runs the step as the kernel, one per parameter group (not the tensor ops it is compared with)', async () => {
    const [shared, specific] = [variablesOf(SHARED_SHAPES, 1), variablesOf(SPECIFIC_SHAPES, 50)];
    const opt = new MultiTaskOptimizer('adatask', shared, specific, 2, H);
    const au = [0, 1].map(() => tf.tidy(() => tf.variable(tf.zeros([opt.sharedFlat.total]), false)));
    const grads = [0, 1].map((k) => shared.map((v, i) => tf.fill(v.shape, 0.1 * (k + i + 1))));
    const own = specific.map((v) => tf.onesLike(v));
    const info = await tf.profile(() => opt.applyTracking(grads, own, au, 0.9));
    expect(info.kernels.map((k) => k.name)).toEqual(['ReclensMultiTaskStep', 'ReclensMultiTaskStep']);
    // In place on wasm: the kernels return only the new params (the moments and AU keep their data).
    const outputs = info.kernels.map((k) => k.outputShapes.length);
    if (backend === 'wasm') expect(outputs).toEqual([SHARED_SHAPES.length, SPECIFIC_SHAPES.length]);
    else expect(outputs[0]).toBeGreaterThan(SHARED_SHAPES.length);
    opt.dispose();
    tf.dispose([...shared, ...specific, ...au, ...grads.flat(), ...own]);
  });

  it("steps into new tensors where another tensor shares an AU's data, which keeps its values", () => {
    const run = (shareFirst: boolean) => {
      const [shared, specific] = [variablesOf(SHARED_SHAPES, 1), variablesOf(SPECIFIC_SHAPES, 50)];
      const opt = new MultiTaskOptimizer('adam', shared, specific, 2, H);
      const au = [0, 1].map(() => tf.tidy(() => tf.variable(tf.fill([opt.sharedFlat.total], 0.5), false)));
      const before = Float32Array.from(au[0].dataSync());
      const clone = shareFirst ? tf.clone(au[0]) : null;
      const dataId = au[0].dataId;
      tf.tidy(() =>
        opt.applyTracking(
          [0, 1].map((k) => shared.map((v, i) => tf.fill(v.shape, 0.1 * (k + i + 1)))),
          specific.map((v) => tf.onesLike(v)),
          au,
          0.9,
        ),
      );
      if (clone) expect(Array.from(clone.dataSync())).toEqual(Array.from(before));
      expect(au[0].dataId === dataId).toBe(backend === 'wasm' && !shareFirst);
      const values = [...shared, ...specific, ...au].map((v) => Array.from(v.dataSync()));
      opt.dispose();
      tf.dispose([...shared, ...specific, ...au, ...(clone ? [clone] : [])]);
      return values;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('gives every param new data, so a matMul that packed it as weights reads its new values', () => {
    // tfjs-backend-wasm's XNNPACK matMul keeps the weights it packed per data id: a param stepped
    // in place would still be multiplied by its old values (a wasm thread pool's products).
    const [shared, specific] = [variablesOf(SHARED_SHAPES, 1), variablesOf(SPECIFIC_SHAPES, 50)];
    const opt = new MultiTaskOptimizer('adam', shared, specific, 2, H);
    const au = [0, 1].map(() => tf.tidy(() => tf.variable(tf.zeros([opt.sharedFlat.total]), false)));
    const w = shared.find((v) => v.rank === 2) as tf.Variable<tf.Rank.R2>;
    const x = tf.randomNormal([3, w.shape[0]], 0, 1, 'float32', 5) as tf.Tensor2D;
    tf.dispose(tf.matMul(x, w));
    const dataId = w.dataId;
    tf.tidy(() =>
      opt.applyTracking(
        [0, 1].map((k) => shared.map((v, i) => tf.fill(v.shape, 0.1 * (k + i + 1)))),
        specific.map((v) => tf.onesLike(v)),
        au,
        0.9,
      ),
    );
    expect(w.dataId === dataId).toBe(false);
    const [after, fresh] = tf.tidy(() => [tf.matMul(x, w), tf.matMul(x, tf.tensor2d(w.dataSync(), w.shape))].map((t) => Array.from(t.dataSync())));
    expect(after).toEqual(fresh);
    opt.dispose();
    tf.dispose([...shared, ...specific, ...au, x]);
  });
});
