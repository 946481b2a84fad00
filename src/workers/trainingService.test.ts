import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { encodeCtrDataset } from '../data/ctr/datasetFile.ts';
import { generateSyntheticCtr } from '../data/ctr/syntheticCtr.ts';
import { DEFAULT_TRAIN_CONFIG } from '../contracts/modelConfig.ts';
import type { ModelConfig } from '../contracts/modelConfig.ts';
import { unpackCheckpoint } from './checkpointPacking.ts';
import { createTrainingService } from './trainingService.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

/** 5k rows, 8 fields: small enough that a few epochs on tfjs cpu take seconds (the shipped tiny dataset has 50k). */
const tinyBytes = () => encodeCtrDataset(generateSyntheticCtr({ seed: 7, rows: 5_000, fields: 8, minCardinality: 2, maxCardinality: 1_000, name: 'tiny' }));
const model = (kind: ModelConfig['kind']): ModelConfig => ({
  kind,
  embeddingDim: 4,
  embeddingSets: 2,
  mlp: [16],
  dropout: 0,
  crossLayers: 1,
  cinLayers: [4],
  seed: 3,
});
const train = { ...DEFAULT_TRAIN_CONFIG, batchSize: 256, epochs: 50, evalEvery: 3, earlyStopPatience: 0 };

const until = async (check: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('training service (tfjs cpu, tiny dataset)', () => {
  it('loads, trains paused step by step, snapshots, stops, and leaves the tensor count flat', async () => {
    const service = createTrainingService(() => selectBackend('wasm'));
    expect((await service.setBackend('cpu')).active).toBe('cpu');
    const loaded = await service.load({ kind: 'rlctr-bytes', bytes: tinyBytes(), name: 'tiny.rlctr' }, () => {});
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.summary.fields).toHaveLength(8);
    const before = tf.memory().numTensors;

    const events: TrainingEvent[] = [];
    const outcome = service.train({ model: model('dcnv2'), train, spectrumEvery: 2, paused: true }, (e) => events.push(e));
    const count = (type: TrainingEvent['type']) => events.filter((e) => e.type === type).length;
    await until(() => events.some((e) => e.type === 'status' && e.status === 'paused'));
    // Paused: the initial snapshot (step 0, both sets) and the interaction matrix, no steps.
    const first = events.find((e) => e.type === 'spectrum');
    expect(first).toMatchObject({ step: 0 });
    expect(first?.type === 'spectrum' && first.sets.map((s) => s.length)).toEqual([8, 8]);
    expect(count('interaction')).toBe(1);
    expect(count('loss')).toBe(0);

    for (let i = 0; i < 3; i++) {
      service.step();
      await until(() => count('loss') === i + 1);
    }
    const losses = events.flatMap((e) => (e.type === 'loss' ? [e.step] : []));
    expect(losses).toEqual([1, 2, 3]);
    expect(count('eval')).toBe(1); // evalEvery 3

    service.resume();
    await until(() => count('loss') >= 6);
    service.pause();
    await until(() => events.at(-1)?.type === 'status');
    service.stop();
    const result = await outcome;
    if (!result.ok) throw new Error(result.error.message);
    expect(result.status).toBe('stopped');
    const report = result.report!;
    expect(report.step).toBeGreaterThanOrEqual(6);
    expect(report.testAuc).toBeGreaterThan(0.4);
    // Two sets of dim 4 side by side: every field's spectrum has 8 values.
    expect(report.concatSpectrum.every((f) => f.dim === 8)).toBe(true);
    const spectra = events.filter((e) => e.type === 'spectrum');
    expect(spectra.at(-1)).toMatchObject({ step: report.step });
    expect(spectra.length).toBeGreaterThanOrEqual(3);

    const exported = await service.exportTables();
    expect(exported.files.map((f) => f.name.replace(/^.*?-dcnv2/, ''))).toEqual(['_set0.npy', '_set1.npy', '_field_dims.json', '.safetensors']);

    service.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('checkpoints on a timer while it runs, never in the middle of a step', async () => {
    const service = createTrainingService(() => selectBackend('cpu'));
    await service.load({ kind: 'rlctr-bytes', bytes: tinyBytes(), name: 'tiny.rlctr' }, () => {});
    const events: TrainingEvent[] = [];
    const outcome = await service.train({ model: model('dnn'), train: { ...train, epochs: 12 }, spectrumEvery: 0, checkpointEveryMs: 1 }, (e) =>
      events.push(e),
    );
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(events.some((e) => e.type === 'status' && e.status === 'paused')).toBe(false);
    const saved = events.flatMap((e) => (e.type === 'checkpoint' ? [e] : []));
    // Every chunk of steps older than 1 ms ends in a checkpoint of the step it reached, none after the last step.
    expect(saved.length).toBeGreaterThanOrEqual(2);
    const steps = saved.map((e) => e.step);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
    expect(steps.at(-1)).toBeLessThan(outcome.report!.step);
    for (const e of saved) expect((await unpackCheckpoint(e.checkpoint)).state.step).toBe(e.step);
    service.dispose();
  }, 60_000);

  it('checkpoints on pausing and resumes a run from it, in a new service, at the same step', async () => {
    const first = createTrainingService(() => selectBackend('cpu'));
    await first.load({ kind: 'rlctr-bytes', bytes: tinyBytes(), name: 'tiny.rlctr' }, () => {});
    const request = { model: model('dnn'), train: { ...train, epochs: 2 }, spectrumEvery: 0, checkpointEveryMs: 60_000 };
    const events: TrainingEvent[] = [];
    const outcome = first.train({ ...request, paused: true }, (e) => events.push(e));
    await until(() => events.some((e) => e.type === 'status' && e.status === 'paused'));
    expect(events.some((e) => e.type === 'checkpoint')).toBe(false); // nothing trained yet
    for (let i = 0; i < 4; i++) {
      first.step();
      await until(() => events.filter((e) => e.type === 'loss').length === i + 1);
    }
    await until(() => events.some((e) => e.type === 'checkpoint'));
    const saved = events.find((e) => e.type === 'checkpoint');
    if (saved?.type !== 'checkpoint') throw new Error('no checkpoint');
    expect(saved.step).toBeGreaterThanOrEqual(1); // a pause after steps
    first.step();
    first.step();
    first.step();
    await until(() => events.filter((e) => e.type === 'checkpoint').length >= 2 && events.filter((e) => e.type === 'loss').length === 7);
    first.stop();
    await outcome;
    const last = events.filter((e) => e.type === 'checkpoint').at(-1);
    if (last?.type !== 'checkpoint') throw new Error('no checkpoint');
    const lossAfter = (es: TrainingEvent[], step: number) => es.find((e) => e.type === 'loss' && e.step === step);

    // A new service (as after a reload) continues from the last checkpoint.
    const second = createTrainingService(() => selectBackend('cpu'));
    await second.load({ kind: 'rlctr-bytes', bytes: tinyBytes(), name: 'tiny.rlctr' }, () => {});
    const resumed: TrainingEvent[] = [];
    const done = await second.train({ ...request, resumeFrom: last.checkpoint }, (e) => resumed.push(e));
    if (!done.ok) throw new Error(done.error.message);
    expect(resumed.find((e) => e.type === 'spectrum')).toMatchObject({ step: last.step });
    const firstLoss = resumed.find((e) => e.type === 'loss');
    expect(firstLoss?.type === 'loss' && firstLoss.points[0].step).toBeGreaterThan(last.step);
    expect(done.report?.step).toBe(2 * (await unpackCheckpoint(last.checkpoint)).state.stepsPerEpoch);
    // The one-step losses match the first service's where both ran a single step.
    const both = resumed.filter((e) => e.type === 'loss' && e.points.length === 1 && lossAfter(events, e.step));
    for (const e of both) expect(e).toMatchObject({ points: (lossAfter(events, (e as { step: number }).step) as { points: unknown }).points });
    first.dispose();
    second.dispose();
  }, 60_000);

  it('reports a busy service and a failed load as errors, not throws', async () => {
    const service = createTrainingService(() => selectBackend('wasm'));
    const bad = await service.load({ kind: 'rlctr-bytes', bytes: new Uint8Array([1, 2, 3]), name: 'bad.rlctr' }, () => {});
    expect(bad.ok).toBe(false);
    const noData = await service.train({ model: model('dnn'), train, spectrumEvery: 0 }, () => {});
    expect(noData.ok).toBe(false);
  });

  it('generates a dataset in the worker from its config, with progress, identical to the generator', async () => {
    const config = { seed: 5, rows: 3_000, fields: 6, minCardinality: 2, maxCardinality: 50 };
    const service = createTrainingService(() => selectBackend('wasm'));
    const progress: { bytesDone: number; bytesTotal: number }[] = [];
    const loaded = await service.load({ kind: 'generated', config, name: 'gen-test' }, (p) => progress.push(p));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const reference = generateSyntheticCtr({ ...config, name: 'gen-test' });
    expect(loaded.summary.name).toBe('gen-test');
    expect(loaded.summary.rows).toEqual({ train: reference.train.rows, valid: reference.valid.rows, test: reference.test.rows });
    expect(loaded.summary.fields).toEqual(reference.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })));
    expect(progress.length).toBeGreaterThanOrEqual(6);
    expect(progress.at(-1)!.bytesDone).toBe(progress.at(-1)!.bytesTotal);
  });

  it('a generation cancelled midway answers cancelled and keeps the dataset loaded before it', async () => {
    const service = createTrainingService(() => selectBackend('wasm'));
    const first = await service.load(
      { kind: 'generated', config: { seed: 1, rows: 500, fields: 4, minCardinality: 2, maxCardinality: 20 }, name: 'kept' },
      () => {},
    );
    expect(first.ok).toBe(true);
    const progress: number[] = [];
    const big = { seed: 2, rows: 200_000, fields: 24, minCardinality: 2, maxCardinality: 1000 };
    const cancelled = await service.load({ kind: 'generated', config: big, name: 'big' }, (p) => {
      progress.push(p.bytesDone);
      if (progress.length === 3) service.cancelLoad();
    });
    expect(cancelled).toEqual({ ok: false, error: expect.objectContaining({ code: 'cancelled' }) });
    // Cancelled at the next step, not after the whole dataset (24 fields, every pair, calibration, labels).
    expect(progress).toEqual([1, 2, 3]);
    // The earlier dataset is still the one that trains.
    const outcome = await service.train({ model: model('dnn'), train: { ...train, epochs: 1 }, spectrumEvery: 0 }, () => {});
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.report!.concatSpectrum.map((f) => f.name)).toEqual(['f1', 'f2', 'f3', 'f4']);
    service.dispose();
  });
});
