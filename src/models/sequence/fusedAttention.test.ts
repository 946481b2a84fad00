import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SEQUENCE_MODEL_KINDS, type SequenceModelKind, type SequencePooling } from '../../contracts/sequence.ts';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { tinySequenceDataset } from '../../../test/support/tinySequences.ts';
import { bceWithLogits } from '../multitask/taskGradients.ts';
import { fusedAttentionFeatures } from './fusedAttention.ts';
import { gatherBatch } from './sequenceBatch.ts';
import { createSequenceModel } from './sequenceModel.ts';

// Histories of 0..12 behaviours at history 8: empty, short (padded) and cut rows.
const DATA = tinySequenceDataset({ seed: 13, train: 48, test: 8, items: 30, categories: 5, minHistory: 0, maxHistory: 12 });
const L = 8;

/** Logits and the gradient of every variable of one model, by the tensor path or the fused one. */
function run(kind: SequenceModelKind, pooling: SequencePooling, tensorAttention: boolean, observeGradients: boolean) {
  const model = createSequenceModel({
    kind,
    dim: 4,
    attentionDim: kind === 'dare' ? 2 : 4,
    topK: 3,
    historyLength: L,
    itemVocabulary: DATA.itemVocabulary,
    categoryVocabulary: DATA.categoryVocabulary,
    hidden: [8],
    seed: 4,
    pooling,
    observeGradients,
    tensorAttention,
  });
  const tables = new Set([
    model.table('item', 'attention'),
    model.table('item', 'representation'),
    model.table('category', 'attention'),
    model.table('category', 'representation'),
    model.positionTable,
  ]);
  // Tables at 5x their initial scale: attention far from uniform.
  tf.tidy(() => tables.forEach((v) => v.assign(tf.mul(v, 5))));
  const batch = gatherBatch(DATA.train, L, null, 0, DATA.train.count);
  const out = tf.tidy(() => {
    const x = model.inputs(batch);
    const picked = model.search(x);
    const logits = model.forward(x, picked).arraySync();
    const y = tf.tensor1d(batch.labels);
    const { grads } = tf.variableGrads(() => bceWithLogits(model.forward(x, picked), y), model.variables);
    return { logits, grads: model.variables.map((v) => Array.from(grads[v.name].dataSync())), tables: [...tables].map((v) => model.variables.indexOf(v)) };
  });
  model.dispose();
  return out;
}

const close = (got: number[], want: number[], tolerance: number) => {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1e-3, ...want.map(Math.abs));
  got.forEach((g, i) => expect(Math.abs(g - want[i]) / scale, `element ${i}: ${g} vs ${want[i]}`).toBeLessThan(tolerance));
};

afterAll(() => selectBackend('cpu'));

describe.each(['cpu', 'wasm'] as const)('fusedAttentionFeatures on %s', (backend) => {
  const cases = SEQUENCE_MODEL_KINDS.flatMap((kind) => (['softmax', 'sum'] as const).map((pooling) => [kind, pooling] as const));
  it.each(cases)("%s, %s pooling: the tensor path's logits and gradients", async (kind, pooling) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const tensor = run(kind, pooling, true, false);
    const fused = run(kind, pooling, false, false);
    expect(tf.memory().numTensors).toBe(before);
    close(fused.logits, tensor.logits, 1e-5);
    fused.grads.forEach((g, i) => close(g, tensor.grads[i], 1e-4));
    // Every table reaches the loss (a gradient that stayed zero would pass the comparison above).
    for (const i of fused.tables) expect(Math.max(...fused.grads[i].map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it.each(['din', 'twin', 'tin'] as const)("%s: each role's gradient, summed, is the coupled gradient bit for bit", async (kind) => {
    await selectBackend(backend);
    const plain = run(kind, 'softmax', false, false);
    const observed = run(kind, 'softmax', false, true);
    const n = plain.grads.length;
    // The observed model holds the plain model's variables, then the attention copies of item and category.
    const sum = (a: number[], b: number[]) => Array.from(tf.tidy(() => tf.add(tf.tensor1d(a), tf.tensor1d(b)).dataSync()));
    expect(sum(observed.grads[n], observed.grads[0])).toEqual(plain.grads[0]);
    expect(sum(observed.grads[n + 1], observed.grads[1])).toEqual(plain.grads[1]);
    expect(observed.logits).toEqual(plain.logits);
  });
});

describe('fusedAttentionFeatures checks its input', () => {
  it('rejects ids outside the tables and mismatched shapes', async () => {
    await selectBackend('cpu');
    const t = (rows: number, dim: number) => tf.zeros([rows, dim]);
    const tables = { itemAttention: t(5, 2), categoryAttention: t(3, 2), position: t(4, 2), itemRepresentation: t(5, 4), categoryRepresentation: t(3, 4) };
    const ids = (item: number) => ({
      targetItems: Int32Array.of(1),
      targetCategories: Int32Array.of(1),
      histItems: Int32Array.of(0, 2, item),
      histCategories: Int32Array.of(0, 1, 2),
      picked: null,
      columns: 3,
    });
    const form = { historyLength: 3, tin: false, pooling: 'softmax' as const };
    expect(fusedAttentionFeatures(tables, ids(4), form).shape).toEqual([1, 24]);
    expect(() => fusedAttentionFeatures(tables, ids(5), form)).toThrow(/item id 5/);
    expect(() => fusedAttentionFeatures(tables, ids(1), { ...form, historyLength: 2 })).toThrow(/position table/);
    expect(() => fusedAttentionFeatures(tables, ids(1), { ...form, tin: true })).toThrow(/TIN/);
    expect(() => fusedAttentionFeatures(tables, { ...ids(1), picked: Int32Array.of(3), columns: 1 }, form)).toThrow(/history column id 3/);
    tf.dispose(Object.values(tables));
  });
});

describe('fusedAttentionFeatures pools', () => {
  // L = 3, one row: column 0 is padding, columns 1 and 2 are behaviours; a = 2, d = 1.
  const itemA = [0, 0, 0.3, -0.2, 0.5, 0.4, -0.1, 0.6];
  const catA = [0, 0, 0.2, 0.7, -0.4, 0.1];
  const pos = [0.5, -0.3, 0.1, 0.2, -0.6, 0.4, 0.3, 0.9];
  const itemR = [0.8, 1.5, -2, 0.25];
  const catR = [0.9, 3, -0.5];
  const ids = {
    targetItems: Int32Array.of(3),
    targetCategories: Int32Array.of(2),
    histItems: Int32Array.of(0, 1, 2),
    histCategories: Int32Array.of(0, 1, 1),
    picked: null,
    columns: 3,
  };
  /** The logit of history column c, by the formula in sequenceModel.ts. */
  const logit = (c: number) => {
    const [hi, hc, p] = [ids.histItems[c], ids.histCategories[c], 3 - c];
    const dot = (t: number[], x: number, y: number) => t[2 * x] * t[2 * y] + t[2 * x + 1] * t[2 * y + 1];
    return (dot(itemA, 3, hi) + dot(catA, 2, hc)) / Math.sqrt(4) + dot(pos, 0, p) / Math.sqrt(2);
  };
  const expected = (weights: number[]) => {
    const pooledI = weights[1] * itemR[1] + weights[2] * itemR[2];
    const pooledC = weights[1] * catR[1] + weights[2] * catR[1];
    return [itemR[3], catR[2], pooledI, pooledC, itemR[3] * pooledI, catR[2] * pooledC];
  };

  it.each(['cpu', 'wasm'] as const)("on %s: 'sum' weighs sigmoid(logit) / columns, 'softmax' normalises; padding weighs 0", async (backend) => {
    await selectBackend(backend);
    const tables = {
      itemAttention: tf.tensor2d(itemA, [4, 2]),
      categoryAttention: tf.tensor2d(catA, [3, 2]),
      position: tf.tensor2d(pos, [4, 2]),
      itemRepresentation: tf.tensor2d(itemR, [4, 1]),
      categoryRepresentation: tf.tensor2d(catR, [3, 1]),
    };
    const features = (pooling: SequencePooling) => Array.from(fusedAttentionFeatures(tables, ids, { historyLength: 3, tin: false, pooling }).dataSync());
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const sum = [0, sigmoid(logit(1)) / 3, sigmoid(logit(2)) / 3];
    const z = Math.exp(logit(1)) + Math.exp(logit(2));
    const softmax = [0, Math.exp(logit(1)) / z, Math.exp(logit(2)) / z];
    features('sum').forEach((v, i) => expect(v).toBeCloseTo(expected(sum)[i], 6));
    features('softmax').forEach((v, i) => expect(v).toBeCloseTo(expected(softmax)[i], 6));
    tf.dispose(Object.values(tables));
  });
});
