import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { tinySequenceDataset } from '../../../test/support/tinySequences.ts';
import { gatherBatch, type SequenceBatch } from './sequenceBatch.ts';
import { searchScores, searchTopK } from './searchStage.ts';
import { createSequenceModel } from './sequenceModel.ts';
import { createSequenceTrainer } from './sequenceTrainer.ts';

const DATA = tinySequenceDataset({ seed: 13, train: 300, test: 100, minHistory: 0, maxHistory: 30 });
const L = 24;

afterAll(() => selectBackend('cpu'));

function model(kind: 'twin' | 'dare', attentionDim: number, L: number) {
  return createSequenceModel({
    kind,
    dim: 8,
    attentionDim,
    topK: 5,
    historyLength: L,
    itemVocabulary: DATA.itemVocabulary,
    categoryVocabulary: DATA.categoryVocabulary,
    hidden: [8],
    seed: 4,
  });
}

describe('searchStage (the search on arrays)', () => {
  it('hand case: scores, masking, and ties to the lower column', () => {
    // a = 1: item table rows 0..2, category rows 0..1, positions 0..3.
    const batch: SequenceBatch = {
      rows: 1,
      historyLength: 3,
      labels: new Float32Array(1),
      users: new Int32Array(1),
      targetItems: Int32Array.of(1),
      targetCategories: Int32Array.of(1),
      histItems: Int32Array.of(0, 2, 2),
      histCategories: Int32Array.of(0, 1, 1),
    };
    const tables = { item: Float32Array.of(0, 1, 2), category: Float32Array.of(0, 3), position: Float32Array.of(1, 0, 0, 0), dim: 1 };
    // Column j: (1 * 2 + 3 * 3) / sqrt(2) + (1 * pos[3 - j]) = 11 / sqrt(2); column 0 is padding.
    const s = searchScores(batch, tables);
    expect(s[1]).toBeCloseTo(11 / Math.SQRT2, 12);
    expect(s[2]).toBe(s[1]);
    expect(s[0]).toBeLessThan(-1e8);
    expect(Array.from(searchTopK(batch, tables, 2))).toEqual([1, 2]);
    expect(Array.from(searchTopK(batch, tables, 3))).toEqual([1, 2, 0]);
    expect(() => searchTopK(batch, tables, 4)).toThrow(/topK/);
    expect(() => searchScores({ ...batch, histItems: Int32Array.of(0, 2, 3) }, tables)).toThrow(/item id 3/);
  });

  // History 24 > 9 category rows: per-row category scores; history 6: a dot per column.
  it.each([
    ['cpu', 'twin', 8, L],
    ['cpu', 'dare', 2, L],
    ['cpu', 'dare', 4, 6],
    ['wasm', 'twin', 8, L],
    ['wasm', 'dare', 4, 6],
  ] as const)('%s, %s (attention dim %d, history %d): the same scores and top-k columns as the tensor search', async (backend, kind, a, L) => {
    await selectBackend(backend);
    const m = model(kind, a, L);
    const batch = gatherBatch(DATA.train, L, null, 0, DATA.train.count);
    const x = m.inputs(batch);
    const tensorScores = m.historyScores(x);
    const picked = m.search(x)!;
    const expected = tensorScores.dataSync();
    const scores = searchScores(batch, {
      item: m.table('item', 'attention').dataSync() as Float32Array,
      category: m.table('category', 'attention').dataSync() as Float32Array,
      position: m.positionTable.dataSync() as Float32Array,
      dim: a,
    });
    // float32 tensor ops against a float64 pass: scores of order 1, padding at -1e9 (float32 spacing 64 there).
    scores.forEach((s, i) => expect(Math.abs(s - expected[i])).toBeLessThan(s < -1e8 ? 128 : 1e-5));
    const columns = m.searchBatch(batch)!;
    const reference = picked.dataSync();
    let differ = 0;
    for (let r = 0; r < batch.rows; r++) {
      const kept = Math.min(L, DATA.train.histOffsets[r + 1] - DATA.train.histOffsets[r]);
      // Columns among padding are arbitrary in both (masked out of attention); compare the real ones.
      for (let i = 0; i < Math.min(kept, 5); i++) if (columns[r * 5 + i] !== reference[r * 5 + i]) differ++;
    }
    expect(differ).toBe(0);
    tf.dispose([x.targetItems, x.targetCategories, x.histItems, x.histCategories, tensorScores, picked]);
    m.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('%s: training with the array search gives the losses of the tensor search', async (backend) => {
    await selectBackend(backend);
    for (const kind of ['twin', 'dare'] as const) {
      const settings = { model: kind, dim: 8, attentionDim: kind === 'dare' ? 4 : 8, topK: 4, historyLength: 16, lr: 1e-2, batchSize: 32, epochs: 1, seed: 6 };
      const arrays = createSequenceTrainer(DATA, settings);
      const tensors = createSequenceTrainer(DATA, settings, { tensorSearch: true });
      for (let i = 0; i < 12; i++) {
        const a = arrays.step().loss;
        const b = tensors.step().loss;
        // The same columns in the same order give the same forward: equal to float32 rounding.
        expect(Math.abs(a - b)).toBeLessThan(1e-6);
      }
      expect(arrays.evaluate(DATA.test).auc).toBeCloseTo(tensors.evaluate(DATA.test).auc, 6);
      arrays.dispose();
      tensors.dispose();
    }
  });
});
