import { describe, expect, it, vi } from 'vitest';
import type { PackedCheckpoint } from '../contracts/run.ts';
import type { SequenceDataset, SequenceSamples } from '../contracts/sequence.ts';
import { unpackCheckpoint } from './checkpointPacking.ts';
import type { SeqCheckpoint, SeqEvent, SeqTrainRequest } from './sequenceProtocol.ts';
import { auc } from '../data/ctr/auc.ts';
import { generateSyntheticSequences, SHIPPED_SEQUENCE_CONFIG } from '../data/sequence/syntheticSequences.ts';
import { sequenceData, sequenceTruth } from './sequenceData.ts';
import { createSequenceService, type SeqDataAccess, type SeqEngine, type SeqTruth } from './sequenceService.ts';

/** n samples, each with a history of 3 behaviours, label i % 2. */
function samples(n: number): SequenceSamples {
  return {
    count: n,
    labels: Uint8Array.from({ length: n }, (_, i) => i % 2),
    users: Int32Array.from({ length: n }, (_, i) => 1 + (i % 4)),
    targetItems: Int32Array.from({ length: n }, (_, i) => 1 + (i % 5)),
    targetCategories: Int32Array.from({ length: n }, (_, i) => 1 + (i % 2)),
    histOffsets: Int32Array.from({ length: n + 1 }, (_, i) => 3 * i),
    histItems: Int32Array.from({ length: 3 * n }, (_, i) => 1 + (i % 5)),
    histCategories: Int32Array.from({ length: 3 * n }, (_, i) => 1 + (i % 2)),
  };
}

const DATASET: SequenceDataset = {
  source: 'tiny',
  train: samples(40),
  test: samples(10),
  itemVocabulary: 6,
  categoryVocabulary: 3,
  categoryNames: ['', 'a', 'b'],
  maxHistory: 3,
  bayesTestAuc: 0.8,
};

const TRUTH: SeqTruth = {
  summary: {
    categories: ['a', 'b'],
    categoryIds: [1, 2],
    positions: 2,
    targets: [
      { category: 'a', positives: 10, negatives: 10, mi: [0.1, 0.2, 0.3, 0.4] },
      { category: 'b', positives: 10, negatives: 10, mi: [0.4, 0.3, 0.2, 0.1] },
    ],
  },
  mi: () => 0,
};

/** Stand-ins for the readers and the ground truth; generation is the worker's own. */
const data = (delayMs = 0): SeqDataAccess => ({
  ...sequenceData,
  async fetchBuiltIn(_url, _name, signal, onProgress) {
    for (let i = 0; i < 5; i++) {
      onProgress({ phase: 'reading', done: i, total: 5 });
      await new Promise((r) => setTimeout(r, delayMs));
      if (signal.aborted) throw new DOMException('Cancelled', 'AbortError');
    }
    return DATASET;
  },
  readFile: async () => {
    throw new Error('line 3: hist_items has 2 ids, hist_categories 3');
  },
  groundTruth: async () => TRUTH,
});

/** A deterministic stand-in for the trainer: loss 1 / (step + 1), its state is its step. */
const engine: SeqEngine = {
  createTrainer(d, settings) {
    let steps = 0;
    const perEpoch = Math.ceil(d.train.count / settings.batchSize);
    return {
      get steps() {
        return steps;
      },
      get epochs() {
        return Math.floor(steps / perEpoch);
      },
      totalSteps: perEpoch * settings.epochs,
      parameters: 123,
      trainStep: () => 1 / (++steps + 1),
      evaluate: () => ({ auc: 0.5 + steps / 100, logloss: 0.7, gauc: NaN, searchMs: 2 }),
      readOut: () => ({ correlation: { learned: [[steps]], spearman: [steps / 10] }, search: null, gradient: null }),
      checkpoint: () => ({ steps }),
      restore: (c) => void (steps = (c as { steps: number }).steps),
      dispose: () => {},
    };
  },
};

const REQUEST: SeqTrainRequest = {
  model: 'twin',
  dim: 4,
  attentionDim: 4,
  topK: 2,
  historyLength: 3,
  lr: 0.01,
  batchSize: 4,
  epochs: 2,
  seed: 1,
  snapshotEvery: 5,
  evalEvery: 10,
};

describe('sequence service (stand-in engine)', () => {
  it('loads a dataset with its ground truth, trains to the end with read-outs at fixed steps and a final report', async () => {
    const service = createSequenceService({ importEngine: async () => engine, data: data() });
    const progress: number[] = [];
    const loaded = await service.load({ kind: 'url', url: 'x', name: 'tiny' }, (p) => progress.push(p.done));
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(progress.length).toBeGreaterThan(0);
    expect(loaded.summary).toMatchObject({
      name: 'tiny',
      rows: { train: 40, test: 10 },
      positiveRate: 0.5,
      categories: 2,
      items: 5,
      bayesAuc: 0.8,
      meanHistory: 3,
    });
    expect(loaded.summary.groundTruth.targets[1].mi).toEqual([0.4, 0.3, 0.2, 0.1]);

    const events: SeqEvent[] = [];
    const outcome = await service.train(REQUEST, (e) => events.push(e));
    expect(outcome).toEqual({ ok: true, status: 'done', report: { step: 20, testAuc: 0.7, testLogloss: 0.7, searchMs: 2 } });
    const snapshots = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot.step] : []));
    expect(snapshots).toEqual([0, 5, 10, 15, 20]);
    const metrics = events.flatMap((e) => (e.type === 'metrics' ? [e.point.step] : []));
    expect(metrics).toEqual([0, 10, 20]);
    const losses = events.flatMap((e) => (e.type === 'progress' ? e.points : []));
    expect(losses.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(events.at(-1)).toEqual({ type: 'status', status: 'done' });
  });

  it('a run resumed from a checkpoint draws the curve of one never interrupted', async () => {
    const service = createSequenceService({ importEngine: async () => engine, data: data() });
    await service.load({ kind: 'url', url: 'x', name: 'tiny' }, () => {});
    const whole: SeqEvent[] = [];
    await service.train(REQUEST, (e) => whole.push(e));
    const first: SeqEvent[] = [];
    let checkpoint: PackedCheckpoint<SeqCheckpoint> | null = null;
    // The stand-in steps in microseconds: a clock that moves 1 ms a reading makes every chunk due a checkpoint.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 1));
    try {
      await service.train({ ...REQUEST, checkpointEveryMs: 1 }, (e) => {
        first.push(e);
        if (e.type === 'checkpoint' && !checkpoint && e.step >= 7) {
          checkpoint = e.checkpoint;
          service.stop();
        }
      });
    } finally {
      now.mockRestore();
    }
    expect(checkpoint).not.toBeNull();
    const at = ((await unpackCheckpoint(checkpoint!)) as SeqCheckpoint & { trainer: { steps: number } }).trainer.steps;
    const rest: SeqEvent[] = [];
    await service.train({ ...REQUEST, resumeFrom: checkpoint! }, (e) => rest.push(e));
    const points = (es: SeqEvent[]) => es.flatMap((e) => (e.type === 'progress' ? e.points : []));
    const resumed = [...points(first).filter((p) => p.step <= at), ...points(rest)];
    expect(resumed).toEqual(points(whole));
  });

  it('Stop cancels a dataset being read, and a bad file fails with its message', async () => {
    const service = createSequenceService({ importEngine: async () => engine, data: data(20) });
    const pending = service.load({ kind: 'url', url: 'x', name: 'tiny' }, () => {});
    setTimeout(() => service.stop(), 30);
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('cancelled');
    const bad = await service.load({ kind: 'file', file: new File(['x'], 'bad.csv') }, () => {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('line 3');
    // Nothing is loaded: training answers with an error, not a crash.
    const events: SeqEvent[] = [];
    const train = await service.train(REQUEST, (e) => events.push(e));
    expect(train.ok).toBe(false);
  });

  it('drops the previous dataset when another starts loading: a run asked for meanwhile does not train on it', async () => {
    const service = createSequenceService({ importEngine: async () => engine, data: data(20) });
    expect((await service.load({ kind: 'url', url: 'x', name: 'first' }, () => {})).ok).toBe(true);
    const pending = service.load({ kind: 'url', url: 'x', name: 'second' }, () => {});
    const during = await service.train(REQUEST, () => {});
    expect(during.ok).toBe(false);
    expect((await pending).ok).toBe(true);
    expect((await service.train(REQUEST, () => {})).ok).toBe(true);
  });

  it('a bad dropped file loses nothing: the dataset loaded before still trains', async () => {
    const service = createSequenceService({ importEngine: async () => engine, data: data() });
    expect((await service.load({ kind: 'url', url: 'x', name: 'first' }, () => {})).ok).toBe(true);
    const bad = await service.load({ kind: 'file', file: new File(['x'], 'bad.csv') }, () => {});
    expect(bad.ok).toBe(false);
    const events: SeqEvent[] = [];
    expect((await service.train(REQUEST, (e) => events.push(e))).ok).toBe(true);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });

  it("generates a built-in dataset in the worker: the generator's samples, its Bayes AUC and ground truth; Stop cancels it", async () => {
    const service = createSequenceService({ importEngine: async () => engine, data: sequenceData });
    const config = { ...SHIPPED_SEQUENCE_CONFIG, users: 200 };
    const phases = new Set<string>();
    const loaded = await service.load({ kind: 'generated', config, keepHistory: 50, name: 'gen' }, (p) => phases.add(p.phase));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const g = generateSyntheticSequences(config, { keepHistory: 50 });
    expect(loaded.summary).toMatchObject({ name: 'gen', rows: { train: g.dataset.train.count, test: g.dataset.test.count }, maxHistory: 50 });
    expect(loaded.summary.bayesAuc).toBe(auc(g.trueProbabilities.test, g.dataset.test.labels));
    expect(loaded.summary.groundTruth).toEqual((await sequenceTruth(g.dataset)).summary);
    expect([...phases]).toEqual(['generating users', 'ground truth']);

    const pending = service.load({ kind: 'generated', config: { ...config, users: 20_000 }, keepHistory: 50, name: 'big' }, () => {});
    setTimeout(() => service.stop(), 100);
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('cancelled');
  });

  it('Stop during the ground-truth phase cancels the load (the counting gives the worker turns)', async () => {
    const big = generateSyntheticSequences({ ...SHIPPED_SEQUENCE_CONFIG, users: 1000 }).dataset;
    const service = createSequenceService({ importEngine: async () => engine, data: { ...sequenceData, generate: async () => big } });
    const truthProgress: number[] = [];
    // A clock that moves 5 ms a look, so the counting yields after the same slices on a machine of
    // any speed (on a real clock it yielded only where counting took over 25 ms).
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 5));
    const outcome = await service
      .load({ kind: 'generated', config: SHIPPED_SEQUENCE_CONFIG, keepHistory: 200, name: 'big' }, (p) => {
        if (p.phase !== 'ground truth') return;
        // The service reports the phase (done 0) before counting starts: this Stop can run only once the counting yields.
        if (truthProgress.length === 0) setTimeout(() => service.stop(), 0);
        truthProgress.push(p.done);
      })
      .finally(() => now.mockRestore());
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('cancelled');
    expect(truthProgress[0]).toBe(0);
    expect(truthProgress.length).toBeGreaterThan(1);
    expect(truthProgress[truthProgress.length - 1]).toBeLessThan(big.train.count);
  }, 30_000);
});
