import { describe, expect, it } from 'vitest';
import { fromMtlRecord, toMtlRecord } from './multitaskController.ts';
import { readRunRecord, RUN_RECORD_VERSION } from './runRecord.ts';
import { fromRunRecord } from './trainingController.ts';

/** A Train-view run as the build before record versions stored it (toRunRecord), paused at step 40 with a checkpoint. */
const CTR_RECORD_V1 = {
  id: 'run-lq3x-1',
  kind: 'ctr-training',
  label: 'DNN dim 16 · Synthetic CTR (tiny) · seed 1',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_060_000,
  config: {
    form: {
      datasetId: 'synthetic-ctr-tiny',
      kind: 'dnn',
      sets: 1,
      dim: 16,
      sizeMultiplier: 1,
      mlp: '64-32',
      lr: 0.001,
      weightDecay: 1e-6,
      batchSize: 256,
      epochs: 5,
      patience: 2,
      evalEvery: 5,
      seed: 1,
      spectrumEvery: 5,
    },
    datasetName: 'Synthetic CTR (tiny)',
    parameters: 12_345,
    backend: 'wasm',
    bayesAuc: 0.78,
    final: null,
    status: 'paused',
    savedStep: 40,
    interaction: null,
  },
  metrics: [
    { step: 20, values: { loss: 0.61 } },
    { step: 40, values: { loss: 0.55 } },
    { step: 40, values: { valid_auc: 0.71, valid_logloss: 0.52 } },
  ],
  spectra: [],
};

/** A multi-task run as the build before record versions stored it (toMtlRecord), stored mid-run (no checkpoints then). */
const MTL_RECORD_V1 = {
  id: 'mtl-lq3x-1',
  kind: 'multitask',
  label: 'shared-bottom · Adam vs AdaTask · Synthetic MTL (small) · seed 1',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_030_000,
  config: {
    run: {
      id: 'mtl-lq3x-1',
      label: 'shared-bottom · Adam vs AdaTask · Synthetic MTL (small) · seed 1',
      form: {
        datasetId: 'synthetic-mtl-small',
        model: 'shared-bottom',
        alternative: 'adatask',
        beta: 0.9,
        lr: 0.003,
        batchSize: 256,
        steps: 200,
        seed: 1,
        conflictSteps: 120,
      },
      datasetName: 'Synthetic MTL (small)',
      createdAt: 1_700_000_000_000,
      status: 'running',
      step: 60,
      epoch: 1,
      stepsPerSecond: 12.5,
      backend: 'wasm',
      sharedParameters: 4321,
      tasks: ['click', 'like'],
      fields: ['user', 'item'],
      layers: ['embedding', 'bottom/0'],
      losses: [],
      snapshots: [{ step: 50, arms: { adam: { dominance: [], cosine: [], entanglement: [] }, alt: { dominance: [], cosine: [], entanglement: [] } } }],
      metrics: [],
    },
    metrics: [
      {
        step: 40,
        all: {
          adam: [
            { task: 'click', auc: 0.61, logloss: 0.6, gauc: null, rows: 100, positives: 30 },
            { task: 'like', auc: 0.58, logloss: 0.62, gauc: null, rows: 100, positives: 20 },
          ],
          alt: [
            { task: 'click', auc: 0.62, logloss: 0.59, gauc: null, rows: 100, positives: 30 },
            { task: 'like', auc: 0.6, logloss: 0.61, gauc: null, rows: 100, positives: 20 },
          ],
        },
        comparable: { adam: [], alt: [] },
      },
    ],
    conflict: null,
  },
  metrics: [
    { step: 30, values: { adam_loss_click: 0.6, adam_loss_like: 0.65, alt_loss_click: 0.59, alt_loss_like: 0.64 } },
    { step: 60, values: { adam_loss_click: 0.55, adam_loss_like: 0.6, alt_loss_click: 0.54, alt_loss_like: 0.59 } },
    { step: 40, values: { adam_auc_click: 0.61, adam_auc_like: 0.58, alt_auc_click: 0.62, alt_auc_like: 0.6 } },
  ],
  spectra: [],
};

describe('run records', () => {
  it("opens a Train-view record saved by the build before versions: interrupted, resumable from its checkpoint's step", () => {
    const record = readRunRecord(structuredClone(CTR_RECORD_V1), 'stored run');
    expect(record.version).toBe(RUN_RECORD_VERSION);
    const run = fromRunRecord(record);
    expect(run).toMatchObject({ id: 'run-lq3x-1', status: 'interrupted', savedStep: 40, step: 40, parameters: 12_345, bayesAuc: 0.78 });
    expect(run.losses).toEqual([
      { step: 20, loss: 0.61 },
      { step: 40, loss: 0.55 },
    ]);
    expect(run.evals).toEqual([{ step: 40, auc: 0.71, logloss: 0.52 }]);
    expect(run.form.mlp).toBe('64-32');
  });

  it('opens a multi-task record saved by the build before versions: interrupted, with no checkpoint to resume from', () => {
    const record = readRunRecord(structuredClone(MTL_RECORD_V1), 'stored run');
    expect(record.version).toBe(RUN_RECORD_VERSION);
    const { run, conflict } = fromMtlRecord(record);
    expect(run).toMatchObject({ id: 'mtl-lq3x-1', status: 'interrupted', step: 60, tasks: ['click', 'like'] });
    expect(run.savedStep).toBeUndefined();
    expect(run.message).toMatch(/before its first checkpoint/);
    expect(run.losses).toEqual([
      { step: 30, losses: { adam: [0.6, 0.65], alt: [0.59, 0.64] } },
      { step: 60, losses: { adam: [0.55, 0.6], alt: [0.54, 0.59] } },
    ]);
    expect(run.metrics).toHaveLength(1);
    expect(run.snapshots.map((s) => s.step)).toEqual([50]);
    expect(conflict).toBeNull();
  });

  it('a current multi-task record keeps its checkpoint step and says where it resumes', () => {
    const current = { ...structuredClone(MTL_RECORD_V1), version: RUN_RECORD_VERSION };
    current.config.run = { ...current.config.run, savedStep: 60 } as typeof current.config.run;
    const { run } = fromMtlRecord(readRunRecord(current));
    expect(run).toMatchObject({ status: 'interrupted', savedStep: 60 });
    expect(run.message).toMatch(/step 60 of 200/);
  });

  it('a multi-task run stored as it goes (message cleared, checkpoint or none) validates and comes back the same', () => {
    const { run } = fromMtlRecord(readRunRecord(structuredClone(MTL_RECORD_V1)));
    for (const savedStep of [undefined, 60]) {
      const going = { ...run, status: 'running' as const, message: undefined, savedStep };
      const back = fromMtlRecord(readRunRecord(structuredClone(toMtlRecord(going, null)))).run;
      expect(back.savedStep).toBe(savedStep);
      expect(back.losses).toEqual(run.losses);
    }
  });

  it('refuses a record from a newer build and a damaged one, naming the record', () => {
    expect(() => readRunRecord({ ...CTR_RECORD_V1, version: RUN_RECORD_VERSION + 1 }, 'run 2')).toThrow(/run 2: version 3 was saved by a newer RecLens/);
    expect(() => readRunRecord({ ...CTR_RECORD_V1, version: 0 }, 'run 2')).toThrow(/not a record version/);
    expect(() => readRunRecord({ ...CTR_RECORD_V1, config: { ...CTR_RECORD_V1.config, status: 'melted' } }, 'run 2')).toThrow(/run 2, config: status/);
  });
});
