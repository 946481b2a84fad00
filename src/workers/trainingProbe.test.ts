import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { encodeCtrDataset } from '../data/ctr/datasetFile.ts';
import { generateSyntheticCtr } from '../data/ctr/syntheticCtr.ts';
import { DEFAULT_TRAIN_CONFIG, type ModelConfig } from '../contracts/modelConfig.ts';
import { fastestTraining } from '../engine/backendLadder.ts';
import { createTrainingService } from './trainingService.ts';
import type { TrainingEvent, TrainRequest } from './trainingProtocol.ts';

const bytes = () => encodeCtrDataset(generateSyntheticCtr({ seed: 7, rows: 3_000, fields: 6, minCardinality: 2, maxCardinality: 500, name: 'probe' }));
const model = (kind: ModelConfig['kind']): ModelConfig => ({
  kind,
  embeddingDim: 4,
  embeddingSets: 1,
  mlp: [16],
  dropout: 0,
  crossLayers: 1,
  cinLayers: [4],
  seed: 3,
});
const request = (kind: ModelConfig['kind'], epochs = 1): TrainRequest => ({
  model: model(kind),
  train: { ...DEFAULT_TRAIN_CONFIG, batchSize: 256, epochs, evalEvery: 0, earlyStopPatience: 0 },
  spectrumEvery: 0,
});

async function loadedService() {
  const service = createTrainingService(() => selectBackend('wasm'));
  const loaded = await service.load({ kind: 'rlctr-bytes', bytes: bytes(), name: 'probe.rlctr' }, () => {});
  if (!loaded.ok) throw new Error(loaded.error.message);
  return service;
}

describe('fastestTraining', () => {
  it('picks the most samples/s and never a timed-out or failed backend', () => {
    expect(
      fastestTraining([
        { name: 'webgl', samplesPerSecond: 90_000, timedOut: true },
        { name: 'wasm', samplesPerSecond: 6_800 },
        { name: 'cpu', samplesPerSecond: 7_000 },
      ]),
    ).toBe('cpu');
    expect(fastestTraining([{ name: 'webgpu', samplesPerSecond: 0, error: 'no adapter' }])).toBeNull();
  });
});

describe('the training-shaped probe (Node: wasm and cpu)', () => {
  it('times real steps of the model on each backend, activates the fastest and says so in the run', async () => {
    const service = await loadedService();
    const state = await service.probeTraining(request('dnn'));
    expect(state.training?.workload).toBe('DNN on probe, batch 256');
    const rates = state.training?.rates ?? [];
    expect(rates.map((r) => r.name)).toEqual(['wasm', 'cpu']);
    for (const r of rates) expect(r.samplesPerSecond).toBeGreaterThan(0);
    const best = Math.max(...rates.map((r) => r.samplesPerSecond));
    // The winner is the measured fastest, so it is never more than 20 % slower than another.
    expect(rates.find((r) => r.name === state.training?.winner)?.samplesPerSecond).toBe(best);
    expect(state.active).toBe(state.training?.winner);
    expect(tf.getBackend()).toBe(state.active);

    const events: TrainingEvent[] = [];
    const outcome = await service.train(request('dnn'), (e) => events.push(e));
    expect(outcome.ok).toBe(true);
    const started = events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ backend: state.active, choice: { how: 'probe', workload: 'DNN on probe, batch 256' } });
    service.dispose();
  }, 60_000);

  it('a run asked for during a probe waits for it and trains on its winner; a picked backend holds until the model changes', async () => {
    const service = await loadedService();
    await service.setBackend('cpu');
    const probing = service.probeTraining(request('fm'), true);
    const events: TrainingEvent[] = [];
    const run = service.train(request('fm'), (e) => events.push(e));
    const [state, outcome] = await Promise.all([probing, run]);
    expect(outcome.ok).toBe(true);
    expect(state.pinned).toBeUndefined();
    expect(events.find((e) => e.type === 'started')).toMatchObject({ backend: state.training?.winner, choice: { how: 'probe' } });

    // Picked by hand: a run of the same model keeps it, with no probe; a changed model probes again.
    const other = state.training?.winner === 'cpu' ? 'wasm' : 'cpu';
    expect((await service.setBackend(other)).pinned).toBe(true);
    const again: TrainingEvent[] = [];
    await service.train(request('fm'), (e) => again.push(e));
    expect(again.find((e) => e.type === 'started')).toMatchObject({ backend: other, choice: { how: 'picked' } });
    expect((await service.probeTraining(request('fm'))).active).toBe(other);
    const changed = await service.probeTraining(request('lr'), true);
    expect(changed.pinned).toBeUndefined();
    expect(changed.training?.workload).toMatch(/^LR on probe/);
    expect(changed.active).toBe(changed.training?.winner);
    service.dispose();
  }, 90_000);

  it('refuses to switch or probe while a run trains: one backend per run', async () => {
    const service = await loadedService();
    const first = await service.probeTraining(request('dnn'));
    const events: TrainingEvent[] = [];
    const run = service.train(request('dnn', 4), (e) => events.push(e));
    while (!events.some((e) => e.type === 'loss')) await new Promise((r) => setTimeout(r, 5));
    const other = first.active === 'cpu' ? 'wasm' : 'cpu';
    expect((await service.setBackend(other)).active).toBe(first.active);
    expect((await service.probeTraining(request('lr'), true)).active).toBe(first.active);
    expect(tf.getBackend()).toBe(first.active);
    service.stop();
    expect((await run).ok).toBe(true);
    service.dispose();
  }, 60_000);
});
