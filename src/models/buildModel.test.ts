import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data/ctr/prng.ts';
import { buildModel } from './buildModel.ts';
import { checkGradients } from '../../test/support/gradientCheck.ts';
import { randomIndices, TINY_FIELDS } from '../../test/support/tinyData.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { MODEL_KINDS, type ModelConfig, type ModelKind } from '../contracts/modelConfig.ts';

const BATCH = 8;
/** FD errors relative to the gradient norm (float32 forwards, h = 1e-2; observed max 0.009). */
const TOLERANCE = 2e-2;

function config(kind: ModelKind, sets: number, dropout = 0): ModelConfig {
  return { kind, embeddingDim: 4, embeddingSets: sets, mlp: [8, 6], dropout, crossLayers: 2, cinLayers: [4, 4], seed: 3 };
}

function batch(seed: number) {
  const rng = createRng(seed);
  const indices = tf.tensor2d(randomIndices(TINY_FIELDS, BATCH, rng), [BATCH, TINY_FIELDS.length], 'int32');
  const labels = tf.tensor1d(Float32Array.from({ length: BATCH }, () => (rng.next() < 0.4 ? 1 : 0)));
  return { indices, labels };
}

beforeAll(() => selectBackend('cpu'));

describe('buildModel', () => {
  for (const kind of MODEL_KINDS) {
    for (const sets of [1, 2]) {
      it(`${kind} with ${sets} embedding set(s): gradients match central differences`, () => {
        const model = buildModel(config(kind, sets), TINY_FIELDS);
        const { indices, labels } = batch(11);
        // Summed (not mean) BCE keeps the gradient large next to float32 rounding; training-mode
        // BatchNorm is a deterministic function of the batch.
        const loss = () => tf.mul(tf.losses.sigmoidCrossEntropy(labels, model.forward(indices, true)), BATCH) as tf.Scalar;
        const checks = checkGradients(loss, model.trainableVariables, { seed: 5 });
        for (const c of checks) {
          expect(c.directionalError, `variable ${c.variable} [${c.shape}] |g| ${c.gradNorm}`).toBeLessThan(TOLERANCE);
          expect(c.coordinateError, `variable ${c.variable} [${c.shape}] |g| ${c.gradNorm}`).toBeLessThan(TOLERANCE);
        }
        // Every embedding table gets a gradient: no set is left out of the forward pass.
        for (const t of model.embeddingTables) {
          expect(checks[model.trainableVariables.indexOf(t)].gradNorm).toBeGreaterThan(1e-4);
        }
        tf.dispose([indices, labels]);
        model.dispose();
      });
    }
  }

  it('exposes one table per set with rows = sum of cardinalities', () => {
    const model = buildModel(config('deepfm', 3), TINY_FIELDS);
    expect(model.embeddingTables.map((t) => t.shape)).toEqual([
      [15, 4],
      [15, 4],
      [15, 4],
    ]);
    expect(model.parameterCount()).toBe(model.trainableVariables.reduce((n, v) => n + v.size, 0));
    model.dispose();
  });

  it('DCNv2 exposes its first cross layer per set, F*K x F*K', () => {
    const model = buildModel(config('dcnv2', 2), TINY_FIELDS);
    expect(model.crossWeights?.(0).shape).toEqual([12, 12]);
    expect(model.crossWeights?.(1)).not.toBe(model.crossWeights?.(0));
    expect(() => model.crossWeights?.(2)).toThrow(/set 2/);
    const dnn = buildModel(config('dnn', 1), TINY_FIELDS);
    expect(dnn.crossWeights).toBeUndefined();
    dnn.dispose();
    model.dispose();
  });

  it('applies dropout in training only and is deterministic in evaluation', () => {
    const model = buildModel(config('dnn', 2, 0.5), TINY_FIELDS);
    const { indices, labels } = batch(4);
    const run = (training: boolean) => tf.tidy(() => Array.from(model.forward(indices, training).dataSync()));
    expect(run(false)).toEqual(run(false));
    expect(run(true)).not.toEqual(run(true));
    tf.dispose([indices, labels]);
    model.dispose();
  });

  it('is reproducible from its seed', () => {
    const values = () => {
      const model = buildModel(config('xdeepfm', 2), TINY_FIELDS);
      const out = model.trainableVariables.map((v) => Array.from(v.dataSync()));
      model.dispose();
      return out;
    };
    expect(values()).toEqual(values());
  });

  it('rejects bad configurations', () => {
    expect(() => buildModel({ ...config('dnn', 1), mlp: [] }, TINY_FIELDS)).toThrow(/MLP layer/);
    expect(() => buildModel({ ...config('dnn', 0) }, TINY_FIELDS)).toThrow(/embeddingSets/);
    expect(() => buildModel({ ...config('dcnv2', 1), crossLayers: 0 }, TINY_FIELDS)).toThrow(/cross layer/);
    expect(() => buildModel(config('fm', 1), [])).toThrow(/no fields/);
  });

  it('leaves no tensors behind once disposed', () => {
    const before = tf.memory().numTensors;
    for (const kind of MODEL_KINDS) {
      const model = buildModel(config(kind, 2), TINY_FIELDS);
      const { indices, labels } = batch(2);
      tf.dispose([model.forward(indices, true), model.forward(indices, false), indices, labels]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
