import { describe, expect, it } from 'vitest';
import { parseDatasetIndex } from './datasetIndex.ts';
import { GENERAL_TRAIN_DEFAULTS, isDatasetTrainDefaults, PUBLISHED_TRAIN_DEFAULTS, trainDefaultsFor } from './trainDefaults.ts';

describe('trainDefaultsFor', () => {
  it('gives the general defaults to a dataset that states none', () => {
    expect(trainDefaultsFor(undefined, 'dnn')).toEqual(GENERAL_TRAIN_DEFAULTS);
    expect(trainDefaultsFor({}, 'dcnv2')).toEqual(GENERAL_TRAIN_DEFAULTS);
  });

  it("layers the dataset's own values, then the model's overrides", () => {
    const entry = { trainDefaults: { lr: 3e-3, batchSize: 128, models: { dcnv2: { lr: 2e-3, dropout: 0.1 } } } };
    expect(trainDefaultsFor(entry, 'dnn')).toEqual({ ...GENERAL_TRAIN_DEFAULTS, lr: 3e-3, batchSize: 128 });
    expect(trainDefaultsFor(entry, 'dcnv2')).toEqual({ ...GENERAL_TRAIN_DEFAULTS, lr: 2e-3, batchSize: 128, dropout: 0.1 });
  });

  it('returns a fresh MLP array, so a caller cannot change the shared defaults', () => {
    const d = trainDefaultsFor(undefined, 'dnn');
    d.mlp.push(7);
    expect(GENERAL_TRAIN_DEFAULTS.mlp).not.toContain(7);
  });

  it('keeps the published setup: Adam 1e-3, weight decay 1e-6, batch 2048, MLP 400-400, dropout 0.2', () => {
    expect(PUBLISHED_TRAIN_DEFAULTS).toMatchObject({ lr: 1e-3, weightDecay: 1e-6, batchSize: 2048, mlp: [400, 400], dropout: 0.2 });
  });
});

describe('isDatasetTrainDefaults', () => {
  it('accepts known keys in range and rejects the rest', () => {
    expect(isDatasetTrainDefaults({ lr: 1e-3, mlp: [64, 32], models: { dcnv2: { epochs: 3 } } })).toBe(true);
    expect(isDatasetTrainDefaults({ lr: 0 })).toBe(false);
    expect(isDatasetTrainDefaults({ batchSize: 1.5 })).toBe(false);
    expect(isDatasetTrainDefaults({ dropout: 1 })).toBe(false);
    expect(isDatasetTrainDefaults({ learningRate: 1e-3 })).toBe(false);
    expect(isDatasetTrainDefaults({ models: { gbdt: { lr: 1e-3 } } })).toBe(false);
    expect(isDatasetTrainDefaults({ mlp: [] })).toBe(false);
    expect(isDatasetTrainDefaults([])).toBe(false);
  });

  it('makes the index reject an entry whose trainDefaults are malformed', () => {
    const entry = { id: 'x', family: 'ctr', tasks: ['click'], name: 'x', description: '', rows: 1, fields: 1, file: 'x.rlctr', bytes: 1, format: 'rlctr' };
    expect(parseDatasetIndex({ version: 2, datasets: [{ ...entry, trainDefaults: { lr: 2e-3 } }] }).datasets[0].trainDefaults).toEqual({ lr: 2e-3 });
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...entry, trainDefaults: { lr: -1 } }] })).toThrow(/not a RecLens index.json/);
    // A hard dataset's measured ceiling is an AUC above chance.
    expect(parseDatasetIndex({ version: 2, datasets: [{ ...entry, measuredCeilingAuc: 0.639 }] }).datasets[0].measuredCeilingAuc).toBe(0.639);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...entry, measuredCeilingAuc: 1.5 }] })).toThrow(/not a RecLens index.json/);
  });
});
