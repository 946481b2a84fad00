import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEQUENCE_MODEL_KINDS, type SequenceModelKind, type SequenceTrainSettings } from '../../contracts/sequence.ts';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { tinySequenceDataset } from '../../../test/support/tinySequences.ts';
import { createSequenceTrainer } from './sequenceTrainer.ts';

const DATA = tinySequenceDataset({ seed: 7, train: 600, test: 300 });

function settings(model: SequenceModelKind, over: Partial<SequenceTrainSettings> = {}): SequenceTrainSettings {
  return { model, dim: 8, attentionDim: model === 'dare' ? 4 : 8, topK: 4, historyLength: 10, lr: 1e-2, batchSize: 32, epochs: 3, seed: 3, ...over };
}

beforeAll(() => selectBackend('cpu'));

describe('createSequenceTrainer', () => {
  it.each(SEQUENCE_MODEL_KINDS)('%s keeps the tensor count flat over steps and read-outs', (kind) => {
    const before = tf.memory().numTensors;
    const trainer = createSequenceTrainer(DATA, settings(kind), { observeGradients: true });
    trainer.step();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) trainer.step();
    trainer.evaluate(DATA.test);
    trainer.attentionScores(DATA.test, 0, 20);
    trainer.tables();
    trainer.gradientObservations();
    trainer.restore(trainer.checkpoint());
    expect(tf.memory().numTensors).toBe(start);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(SEQUENCE_MODEL_KINDS)('%s learns the planted effects (test AUC above 0.6 after 3 epochs)', (kind) => {
    const trainer = createSequenceTrainer(DATA, settings(kind));
    const first = trainer.evaluate(DATA.test);
    while (trainer.steps < trainer.totalSteps) trainer.step();
    const last = trainer.evaluate(DATA.test);
    expect(last.auc).toBeGreaterThan(0.6);
    expect(last.auc).toBeGreaterThan(first.auc);
    expect(last.logloss).toBeLessThan(first.logloss);
    expect(last.gauc).toBeGreaterThan(0.5);
    expect(last.rows).toBe(DATA.test.count);
    trainer.dispose();
  });

  it.each(['din', 'twin', 'tin'] as const)('%s with observed gradients trains bit-identically to the plain model', (kind) => {
    const plain = createSequenceTrainer(DATA, settings(kind));
    const observed = createSequenceTrainer(DATA, settings(kind), { observeGradients: true, observeItems: true });
    expect(observed.model.coupled.map((c) => c.name)).toEqual(['item', 'category']);
    expect(observed.parameters).toBe(plain.parameters);
    for (let i = 0; i < 25; i++) expect(observed.step().loss).toBe(plain.step().loss);
    const p = plain.checkpoint().variables;
    const o = observed.checkpoint().variables;
    // The observed model holds the plain model's variables, then the attention copies of item and category.
    expect(o.slice(0, p.length)).toEqual(p);
    expect(o[p.length]).toEqual(p[0]);
    expect(o[p.length + 1]).toEqual(p[1]);
    expect(observed.evaluate(DATA.test)).toEqual(plain.evaluate(DATA.test));
    const seen = observed.gradientObservations();
    expect(seen.category).toHaveLength(25);
    expect(seen.item).toHaveLength(25);
    const first = seen.category[0];
    expect(first.step).toBe(1);
    expect(first.rows[0]).toBeGreaterThan(0);
    for (const c of first.cosine) expect(Number.isNaN(c) || (c >= -1 && c <= 1)).toBe(true);
    expect(observed.gradientObservations().category).toHaveLength(0);
    expect(plain.gradientObservations().category).toHaveLength(0);
    plain.dispose();
    observed.dispose();
  });

  it('observes every n-th step when asked', () => {
    const trainer = createSequenceTrainer(DATA, settings('din'), { observeGradients: true, observeEvery: 4 });
    for (let i = 0; i < 10; i++) trainer.step();
    const seen = trainer.gradientObservations();
    expect(seen.category.map((o) => o.step)).toEqual([4, 8]);
    expect(seen.item).toHaveLength(0);
    trainer.dispose();
    expect(() => createSequenceTrainer(DATA, settings('din'), { observeEvery: 0 })).toThrow(/observeEvery/);
  });

  it('DARE has separate tables, the attention one of attentionDim; it observes nothing', () => {
    const trainer = createSequenceTrainer(DATA, settings('dare', { attentionDim: 2 }), { observeGradients: true });
    const t = trainer.tables();
    expect([t.attentionCategory.rows, t.attentionCategory.dim]).toEqual([DATA.categoryVocabulary, 2]);
    expect([t.representationCategory.rows, t.representationCategory.dim]).toEqual([DATA.categoryVocabulary, 8]);
    expect([t.position.rows, t.position.dim]).toEqual([11, 2]);
    trainer.step();
    expect(trainer.gradientObservations().category).toHaveLength(0);
    expect(trainer.searchMsPerBatch).toBeGreaterThanOrEqual(0);
    trainer.dispose();
    const din = createSequenceTrainer(DATA, settings('din'));
    din.step();
    expect(din.searchMsPerBatch).toBeNaN();
    din.dispose();
  });

  it('attention scores cover each kept history, oldest first, and match the search order', () => {
    const trainer = createSequenceTrainer(DATA, settings('twin'));
    for (let i = 0; i < 10; i++) trainer.step();
    const scores = trainer.attentionScores(DATA.test, 5, 30);
    expect(scores).toHaveLength(30);
    scores.forEach((s, r) => {
      const i = 5 + r;
      expect(s.length).toBe(Math.min(10, DATA.test.histOffsets[i + 1] - DATA.test.histOffsets[i]));
      for (const v of s) expect(v).toBeGreaterThan(-1e6);
    });
    trainer.dispose();
  });

  it('continues exactly from a checkpoint', () => {
    const a = createSequenceTrainer(DATA, settings('dare'));
    for (let i = 0; i < 12; i++) a.step();
    const saved = a.checkpoint();
    const tail = Array.from({ length: 8 }, () => a.step().loss);
    const b = createSequenceTrainer(DATA, settings('dare', { seed: 99 }));
    expect(() => b.restore({ ...saved, kind: 'twin' })).toThrow(/twin/);
    b.restore(saved);
    expect(b.steps).toBe(12);
    expect(Array.from({ length: 8 }, () => b.step().loss)).toEqual(tail);
    expect(b.checkpoint().variables).toEqual(a.checkpoint().variables);
    a.dispose();
    b.dispose();
  });

  it('tableLrScale moves the named tables faster and leaves the rest as at one lr', () => {
    const plain = createSequenceTrainer(DATA, settings('dare', { epochs: 1 }));
    const scaled = createSequenceTrainer(DATA, settings('dare', { epochs: 1, tableLrScale: { position: 10 } }));
    const same = createSequenceTrainer(DATA, settings('dare', { epochs: 1, tableLrScale: { category: 1 } }));
    const start = plain.checkpoint().variables;
    plain.step();
    scaled.step();
    same.step();
    const p = plain.checkpoint().variables;
    const s = scaled.checkpoint().variables;
    expect(same.checkpoint().variables).toEqual(p);
    const position = plain.model.variables.indexOf(plain.model.positionTable);
    const moved = (v: Float32Array[], i: number) => Math.max(...Array.from(v[i], (x, j) => Math.abs(x - start[i][j])));
    // One Adam step moves each touched weight by ~lr: 10x for the position table, the same elsewhere.
    expect(moved(s, position) / moved(p, position)).toBeCloseTo(10, 3);
    p.forEach((v, i) => {
      if (i !== position) expect(s[i]).toEqual(v);
    });
    expect(() => createSequenceTrainer(DATA, settings('dare', { tableLrScale: { item: 0 } }))).toThrow(/tableLrScale.item/);
    // attention: DARE's attention tables only (its representation tables stay at lr).
    const attn = createSequenceTrainer(DATA, settings('dare', { epochs: 1, tableLrScale: { attention: 10 } }));
    attn.step();
    const a = attn.checkpoint().variables;
    const index = (name: 'item' | 'category', role: 'attention' | 'representation') => attn.model.variables.indexOf(attn.model.table(name, role));
    for (const name of ['item', 'category'] as const) {
      expect(moved(a, index(name, 'attention')) / moved(p, index(name, 'attention'))).toBeCloseTo(10, 3);
      expect(a[index(name, 'representation')]).toEqual(p[index(name, 'representation')]);
    }
    attn.dispose();
    plain.dispose();
    scaled.dispose();
    same.dispose();
  });
});
