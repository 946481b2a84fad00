import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { generateSyntheticSequences } from '../data/sequence/syntheticSequences.ts';
import { stepsOf } from '../state/sequenceController.ts';
import { DEFAULT_SEQUENCE_FORM } from '../state/sequenceSlice.ts';
import { accumulateConflict, COSINE_BINS, createSeqTrainer, sequenceEngine } from './sequenceEngine.ts';
import { sequenceTruth } from './sequenceData.ts';
import type { SeqEvent, SeqTrainRequest } from './sequenceProtocol.ts';
import { createSequenceService, type SeqDataAccess } from './sequenceService.ts';

const generated = generateSyntheticSequences({
  seed: 3,
  users: 120,
  categories: 12,
  itemsPerCategory: 10,
  targetsPerUser: 5,
  minHistory: 20,
  maxHistory: 40,
  testPercent: 20,
});
const data: SeqDataAccess = {
  fetchBuiltIn: async () => generated.dataset,
  readFile: async () => generated.dataset,
  generate: async () => generated.dataset,
  groundTruth: (d) => sequenceTruth(d, { top: 4, positions: 6 }),
};

const REQUEST: SeqTrainRequest = {
  model: 'twin',
  dim: 8,
  attentionDim: 8,
  topK: 5,
  historyLength: 20,
  lr: 0.01,
  batchSize: 64,
  epochs: 1,
  seed: 1,
  snapshotEvery: 4,
  evalEvery: 4,
};

describe('accumulateConflict', () => {
  it('adds each window to the run totals; the share over steps is the window own', () => {
    const totals = { counts: new Array<number>(COSINE_BINS).fill(0), perCategory: {} };
    const obs = (step: number, cosine: number[]) => ({
      step,
      rows: Int32Array.from(cosine.map((_, i) => i + 1)),
      cosine: Float64Array.from(cosine),
      attentionNorm: Float64Array.from(cosine.map(() => 1)),
      representationNorm: Float64Array.from(cosine.map(() => 3)),
    });
    const categories = [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'never' },
    ];
    const first = accumulateConflict(totals, [obs(1, [-0.5, 0.5])], categories);
    expect(first.conflictingShare).toBe(0.5);
    expect(first.recentShare).toBe(0.5);
    expect(first.normRatio).toBeCloseTo(3, 12);
    const second = accumulateConflict(totals, [obs(2, [-0.9, -0.1])], categories);
    expect(second.recentShare).toBe(1);
    expect(second.conflictingShare).toBe(0.75);
    expect(second.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(second.perCategory).toEqual([
      { category: 'a', meanCosine: -0.7, rows: 2 },
      { category: 'b', meanCosine: expect.closeTo(0.2, 12) as unknown as number, rows: 2 },
      { category: 'never', meanCosine: NaN, rows: 0 },
    ]);
  });
});

describe('steps of a run', () => {
  it("the controller counts a run's steps as the trainer does (whole batches; a batch larger than the split is the split)", async () => {
    await selectBackend('cpu');
    const rows = generated.dataset.train.count;
    const truth = await sequenceTruth(generated.dataset, { top: 4, positions: 6 });
    for (const batchSize of [64, 100, rows - 1, rows, rows + 50]) {
      const form = { ...DEFAULT_SEQUENCE_FORM, model: 'twin' as const, dim: 4, attentionDim: 4, historyLength: 10, batchSize, epochs: 2 };
      const trainer = createSeqTrainer(generated.dataset, { ...form, topK: 5 }, truth);
      try {
        expect(stepsOf(form, rows)).toBe(trainer.totalSteps);
      } finally {
        trainer.dispose();
      }
    }
  }, 60_000);
});

describe('gradient read-outs across a checkpoint', () => {
  it('a run resumed from a checkpoint made between read-outs reads the same conflict as one never interrupted', async () => {
    await selectBackend('cpu');
    const truth = await sequenceTruth(generated.dataset, { top: 4, positions: 6 });
    const settings = { model: 'twin' as const, dim: 8, attentionDim: 8, topK: 5, historyLength: 20, lr: 0.01, batchSize: 32, epochs: 1, seed: 2 };
    const a = createSeqTrainer(generated.dataset, settings, truth);
    const b = createSeqTrainer(generated.dataset, settings, truth);
    try {
      for (let i = 0; i < 3; i++) a.trainStep();
      a.readOut();
      for (let i = 0; i < 2; i++) a.trainStep();
      // Steps 4 and 5 were observed but not yet read out.
      b.restore(structuredClone(a.checkpoint()));
      for (let i = 0; i < 2; i++) {
        a.trainStep();
        b.trainStep();
      }
      const [ga, gb] = [a.readOut().gradient!, b.readOut().gradient!];
      expect(ga.counts.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      expect(gb).toEqual(ga);
    } finally {
      a.dispose();
      b.dispose();
    }
  }, 60_000);
});

describe('sequence engine through the run loop (tfjs cpu, small synthetic data)', () => {
  it('TWIN: learned correlation, search quality and gradient conflict at each snapshot; tensors freed', async () => {
    const service = createSequenceService({ prepareTf: () => selectBackend('cpu'), importEngine: async () => sequenceEngine, data });
    expect((await service.setBackend('cpu')).active).toBe('cpu');
    const loaded = await service.load({ kind: 'url', url: 'x', name: 'small' }, () => {});
    if (!loaded.ok) throw new Error(loaded.error.message);
    const truth = loaded.summary.groundTruth;
    expect(truth.categories).toHaveLength(4);
    expect(truth.targets[0].mi).toHaveLength(4 * 6);

    const before = tf.memory().numTensors;
    const events: SeqEvent[] = [];
    const outcome = await service.train(REQUEST, (e) => events.push(e));
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(tf.memory().numTensors).toBe(before);
    const snapshots = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    const last = snapshots.at(-1)!;
    expect(last.step).toBe(outcome.report!.step);
    expect(last.correlation!.learned).toHaveLength(4);
    expect(last.correlation!.learned[0]).toHaveLength(24);
    for (const rho of last.correlation!.spearman) expect(rho).toBeGreaterThanOrEqual(-1);
    expect(last.search!.overlap).toBeGreaterThanOrEqual(0);
    expect(last.search!.overlap).toBeLessThanOrEqual(1);
    const g = last.gradient!;
    expect(g.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(g.conflictingShare).toBeGreaterThanOrEqual(0);
    expect(g.perCategory.map((c) => c.category)).toEqual(truth.categories);
    expect(Number.isFinite(outcome.report!.testAuc)).toBe(true);
    expect(outcome.report!.searchMs).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('DARE with a smaller attention table has no coupled gradients to observe', async () => {
    const service = createSequenceService({ prepareTf: () => selectBackend('cpu'), importEngine: async () => sequenceEngine, data });
    await service.load({ kind: 'url', url: 'x', name: 'small' }, () => {});
    const events: SeqEvent[] = [];
    const outcome = await service.train({ ...REQUEST, model: 'dare', attentionDim: 4 }, (e) => events.push(e));
    if (!outcome.ok) throw new Error(outcome.error.message);
    const snapshots = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(snapshots.every((s) => s.gradient === null)).toBe(true);
    expect(snapshots.at(-1)!.correlation!.learned).toHaveLength(4);
  }, 120_000);
});
