import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { buildMultiTaskModel } from './buildMultiTaskModel.ts';
import { perTaskPassGradients, taskGradients, type TaskGradients } from './taskGradients.ts';
import { DEFAULT_MULTI_TASK_CONFIG, type MultiTaskConfig, type MultiTaskModel } from './types.ts';

/**
 * Models with a SharedTrunk take per-task gradients from one forward pass and a stacked backward
 * (stackedBackward.ts); they must equal the gradients of one forward and backward pass per task.
 */
const FIELDS: CtrField[] = [
  { name: 'user', cardinality: 30 },
  { name: 'item', cardinality: 40 },
  { name: 'ctx', cardinality: 5 },
];
const TASKS = ['click', 'like', 'share'];
const B = 64;
const WEIGHTS = [1, 2, 0.5];

function batch(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const idx = Array.from({ length: B * FIELDS.length }, (_, i) => Math.floor(next() * FIELDS[i % FIELDS.length].cardinality));
  const labels = Array.from({ length: B * TASKS.length }, () => (next() < 0.3 ? 1 : 0));
  return { x: tf.tensor2d(idx, [B, FIELDS.length], 'int32'), y: tf.tensor2d(labels, [B, TASKS.length]) };
}

const read = (g: TaskGradients) => ({
  losses: g.losses.map((l) => l.dataSync()[0]),
  shared: g.shared.map((perVar) => perVar.map((t) => t.dataSync() as Float32Array)),
  specific: g.specific.map((perVar) => perVar.map((t) => t.dataSync() as Float32Array)),
});

/** Largest |a - b| relative to the largest |b| of each gradient. */
function worstRelative(a: Float32Array[][], b: Float32Array[][]): number {
  let worst = 0;
  a.forEach((perVar, k) =>
    perVar.forEach((x, i) => {
      const y = b[k][i];
      expect(x.length).toBe(y.length);
      let scale = 0;
      let diff = 0;
      for (let j = 0; j < y.length; j++) {
        scale = Math.max(scale, Math.abs(y[j]));
        diff = Math.max(diff, Math.abs(x[j] - y[j]));
      }
      expect(scale).toBeGreaterThan(0);
      worst = Math.max(worst, diff / scale);
    }),
  );
  return worst;
}

const CONFIGS: [string, MultiTaskConfig][] = [
  ['mmoe', { ...DEFAULT_MULTI_TASK_CONFIG, kind: 'mmoe', embeddingDim: 4, expertWidths: [16, 8], towerWidths: [8], experts: 3, seed: 5 }],
  // Experts of no layer: each expert's output is the embedding itself, no ReLU's.
  ['mmoe, experts of no layer', { ...DEFAULT_MULTI_TASK_CONFIG, kind: 'mmoe', embeddingDim: 4, expertWidths: [], towerWidths: [8], experts: 2, seed: 5 }],
  ['shared-bottom', { ...DEFAULT_MULTI_TASK_CONFIG, kind: 'shared-bottom', embeddingDim: 4, bottomWidths: [16, 8], towerWidths: [8], seed: 5 }],
];

afterAll(() => useBackend('cpu'));

describe.each(['cpu', 'wasm'] as const)('per-task gradients from one forward pass on %s', (backend) => {
  it.each(CONFIGS)('%s: equal to one pass per task', async (_, config) => {
    await useBackend(backend);
    const model: MultiTaskModel = buildMultiTaskModel(config, FIELDS, TASKS);
    expect(model.trunk).toBeDefined();
    const { x, y } = batch();
    const before = tf.memory().numTensors;
    const [one, passes] = [taskGradients, perTaskPassGradients].map((f) => {
      const g = tf.tidy(() => f(model, x, y, WEIGHTS) as unknown as tf.TensorContainer) as unknown as TaskGradients;
      const values = read(g);
      tf.dispose([...g.losses, ...g.shared.flat(), ...g.specific.flat()]);
      return values;
    });
    expect(tf.memory().numTensors).toBe(before);
    one.losses.forEach((l, k) => expect(l).toBe(passes.losses[k]));
    // Shared gradients: the same products, MMoE's embedding cotangent summed in another order
    // (measured 1.7e-7 of the largest entry; shared-bottom 0).
    expect(worstRelative(one.shared, passes.shared)).toBeLessThan(1e-6);
    // Own parameters: shared-bottom's heads take the tape in both paths; MMoE's hand-written head
    // backward (mmoe.ts) takes the tape's operations in its order (measured: identical).
    expect(worstRelative(one.specific, passes.specific)).toBe(0);
    // One forward pass: the trunk's matMuls run once, not once per task. The affine layers' products
    // with a bias: a fused matMul, or on wasm the GEMM kernel given a bias (the backward's take none).
    const forwardProducts = (kernels: { name: string; inputShapes: unknown[] }[]) =>
      kernels.filter((k) => k.name === '_FusedMatMul' || (k.name === 'ReclensGemm' && k.inputShapes.length === 3)).length;
    const matMuls = async (f: typeof taskGradients) => forwardProducts((await tf.profile(() => tf.tidy(() => void f(model, x, y, WEIGHTS)))).kernels);
    const forwardMatMuls = forwardProducts((await tf.profile(() => tf.dispose(model.forward(x, true)))).kernels);
    expect(forwardMatMuls).toBeGreaterThan(0);
    expect(await matMuls(taskGradients)).toBe(forwardMatMuls);
    expect(await matMuls(perTaskPassGradients)).toBe(forwardMatMuls * TASKS.length);
    if (backend === 'wasm' && config.kind === 'mmoe') {
      // Each task's expert mix and gate backward as one kernel each, every task's experts' cotangents as one (expertMixKernel.ts).
      const names = (await tf.profile(() => tf.tidy(() => void taskGradients(model, x, y, WEIGHTS)))).kernels.map((k) => k.name);
      for (const name of ['ReclensExpertMix', 'ReclensExpertGateBackward']) expect(names.filter((n) => n === name)).toHaveLength(TASKS.length);
      expect(names.filter((n) => n === 'ReclensExpertCotangents')).toHaveLength(1);
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});
