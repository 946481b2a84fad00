import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEQUENCE_MODEL_KINDS, type SequenceModelKind } from '../../contracts/sequence.ts';
import { checkGradients } from '../../../test/support/gradientCheck.ts';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { tinySequenceDataset } from '../../../test/support/tinySequences.ts';
import { bceWithLogits } from '../multitask/taskGradients.ts';
import { gatherBatch } from './sequenceBatch.ts';
import { createSequenceModel, type SequenceModelConfig } from './sequenceModel.ts';

const DATA = tinySequenceDataset({ seed: 11, train: 40, test: 10, items: 12, categories: 4, minHistory: 0, maxHistory: 9 });
const L = 6;
/** Relative to the gradient's norm: float32 forwards with h = 1e-2 Richardson quotients reach ~1e-3. */
const TOLERANCE = 2e-2;

function config(kind: SequenceModelKind, over: Partial<SequenceModelConfig> = {}): SequenceModelConfig {
  return {
    kind,
    dim: 4,
    attentionDim: kind === 'dare' ? 2 : 4,
    topK: 3,
    historyLength: L,
    itemVocabulary: DATA.itemVocabulary,
    categoryVocabulary: DATA.categoryVocabulary,
    hidden: [8],
    seed: 5,
    ...over,
  };
}

beforeAll(() => selectBackend('cpu'));

describe('gatherBatch', () => {
  it('keeps the most recent behaviours, left-padded with 0', () => {
    const b = gatherBatch(DATA.train, L, null, 0, DATA.train.count);
    for (let i = 0; i < DATA.train.count; i++) {
      const from = DATA.train.histOffsets[i];
      const end = DATA.train.histOffsets[i + 1];
      const kept = Math.min(L, end - from);
      const row = Array.from(b.histItems.subarray(i * L, (i + 1) * L));
      expect(row).toEqual([...new Array<number>(L - kept).fill(0), ...DATA.train.histItems.subarray(end - kept, end)]);
      expect(b.histCategories[(i + 1) * L - 1]).toBe(kept > 0 ? DATA.train.histCategories[end - 1] : 0);
    }
    expect(() => gatherBatch(DATA.train, 0, null, 0, 1)).toThrow(/historyLength/);
    expect(() => gatherBatch(DATA.train, L, null, DATA.train.count, 1)).toThrow(/outside/);
  });
});

describe('createSequenceModel', () => {
  const paths: [SequenceModelKind, string, Partial<SequenceModelConfig>][] = SEQUENCE_MODEL_KINDS.flatMap((kind) => [
    [kind, 'arrays (fusedAttention.ts)', { tensorAttention: false }],
    [kind, 'tensor ops', { tensorAttention: true }],
  ]);
  // Widths that are multiples of 4 take the WebAssembly SIMD kernel (attentionKernelWasm.ts) where it runs.
  paths.push(['dare', 'arrays, attention dim 4 (the SIMD kernel)', { tensorAttention: false, dim: 8, attentionDim: 4 }]);
  it.each(paths)('%s, attention on %s: gradients of every variable match finite differences', (kind, _path, over) => {
    const model = createSequenceModel(config(kind, over));
    // Tables 5x their initial scale: attention far from uniform, so its gradients stand clear of float32 noise.
    const tables = new Set([
      model.table('item', 'attention'),
      model.table('item', 'representation'),
      model.table('category', 'attention'),
      model.table('category', 'representation'),
      model.positionTable,
    ]);
    tf.tidy(() => tables.forEach((v) => v.assign(tf.mul(v, 5))));
    const batch = gatherBatch(DATA.train, L, null, 0, 16);
    const x = model.inputs(batch);
    const y = tf.tensor1d(batch.labels);
    // The search is not differentiable: hold its selection fixed, as training does.
    const picked = model.search(x);
    expect(picked === null).toBe(kind === 'din' || kind === 'tin');
    const loss = () => tf.mul(bceWithLogits(model.forward(x, picked), y), batch.rows) as tf.Scalar;
    const checks = checkGradients(loss, model.variables, { seed: 3, step: 3e-3 });
    for (const c of checks) {
      expect(c.directionalError, `${kind} variable ${c.variable} [${c.shape}] |g| ${c.gradNorm}`).toBeLessThan(TOLERANCE);
      expect(c.coordinateError, `${kind} variable ${c.variable} [${c.shape}] |g| ${c.gradNorm}`).toBeLessThan(TOLERANCE);
    }
    // Every table gets a gradient: attention and representation both reach the loss.
    for (const v of [model.table('item', 'attention'), model.table('category', 'representation'), model.positionTable]) {
      expect(checks[model.variables.indexOf(v)].gradNorm).toBeGreaterThan(1e-4);
    }
    tf.dispose([x.targetItems, x.targetCategories, x.histItems, x.histCategories, y, ...(picked ? [picked] : [])]);
    model.dispose();
  });

  it.each(SEQUENCE_MODEL_KINDS)('%s masks padding: row 0 of the item and category tables changes no logit', (kind) => {
    const model = createSequenceModel(config(kind, { topK: 5 }));
    const batch = gatherBatch(DATA.train, L, null, 0, DATA.train.count);
    const x = model.inputs(batch);
    const logits = () => tf.tidy(() => model.forward(x, model.search(x)).dataSync().slice());
    const before = logits();
    tf.tidy(() => {
      for (const v of [
        model.table('item', 'attention'),
        model.table('item', 'representation'),
        model.table('category', 'attention'),
        model.table('category', 'representation'),
      ]) {
        const rows = v.shape[0] as number;
        const dim = v.shape[1] as number;
        const values = v.dataSync().slice();
        for (let k = 0; k < dim; k++) values[k] = 5 + k;
        v.assign(tf.tensor2d(values, [rows, dim]));
      }
    });
    // Samples with an empty history see no behaviour at all; the others only their own.
    expect(logits()).toEqual(before);
    tf.dispose([x.targetItems, x.targetCategories, x.histItems, x.histCategories]);
    model.dispose();
  });

  it.each(['twin', 'dare'] as const)('%s: the search keeps the top-k scores, and attending over them is attending over a history cut to them', (kind) => {
    const model = createSequenceModel(config(kind));
    const batch = gatherBatch(DATA.train, L, null, 0, DATA.train.count);
    const x = model.inputs(batch);
    const picked = model.search(x)!;
    const columns = picked.arraySync();
    const scores = model.historyScores(x).arraySync();
    const cut = { ...batch, histItems: new Int32Array(batch.histItems.length), histCategories: new Int32Array(batch.histCategories.length) };
    columns.forEach((cols, r) => {
      const sorted = [...scores[r]].sort((u, v) => v - u);
      expect(cols.map((j) => scores[r][j])).toEqual(sorted.slice(0, 3));
      for (const j of cols) {
        cut.histItems[r * L + j] = batch.histItems[r * L + j];
        cut.histCategories[r * L + j] = batch.histCategories[r * L + j];
      }
    });
    const xCut = model.inputs(cut);
    const viaSearch = model.forward(x, picked).dataSync();
    const viaCut = model.forward(xCut, null).dataSync();
    viaSearch.forEach((v, r) => expect(v).toBeCloseTo(viaCut[r], 5));
    tf.dispose([
      picked,
      x.targetItems,
      x.targetCategories,
      x.histItems,
      x.histCategories,
      xCut.targetItems,
      xCut.targetCategories,
      xCut.histItems,
      xCut.histCategories,
    ]);
    model.dispose();
  });

  it('TWIN with topK >= historyLength is DIN; DARE attends with its own dim only', () => {
    const din = createSequenceModel(config('din'));
    const twin = createSequenceModel(config('twin', { topK: L }));
    expect(twin.searches).toBe(false);
    const batch = gatherBatch(DATA.train, L, null, 0, 20);
    const x = din.inputs(batch);
    expect(twin.forward(x, null).dataSync()).toEqual(din.forward(x, null).dataSync());
    expect(() => createSequenceModel(config('din', { attentionDim: 2 }))).toThrow(/only DARE/);
    expect(() => createSequenceModel(config('dare', { dim: 0 }))).toThrow(/dim/);
    // An unknown pooling (a CLI typo) must not train softmax under another name.
    expect(() => createSequenceModel(config('twin', { pooling: 'sums' as SequenceModelConfig['pooling'] }))).toThrow(/pooling/);
    tf.dispose([x.targetItems, x.targetCategories, x.histItems, x.histCategories]);
    din.dispose();
    twin.dispose();
  });
});
