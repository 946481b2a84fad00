import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDatasetIndex } from '../data/ctr/datasetIndex.ts';
import { PUBLISHED_TRAIN_DEFAULTS, trainDefaultsFor } from '../data/ctr/trainDefaults.ts';
import { DEFAULT_TRAINING_FORM, formOfTrainDefaults, modelConfigOf } from './trainingSlice.ts';

const index = parseDatasetIndex(JSON.parse(readFileSync(new URL('../../public/datasets/index.json', import.meta.url), 'utf8'))).datasets;

describe('the Train form on first load', () => {
  it("uses the defaults index.json states for its dataset and model (the sweep's choice)", () => {
    const entry = index.find((d) => d.id === DEFAULT_TRAINING_FORM.datasetId);
    expect(entry?.trainDefaults).toBeDefined();
    expect(DEFAULT_TRAINING_FORM).toMatchObject(formOfTrainDefaults(trainDefaultsFor(entry, DEFAULT_TRAINING_FORM.kind)));
  });

  it('passes the dropout setting to the model', () => {
    expect(modelConfigOf({ ...DEFAULT_TRAINING_FORM, dropout: 0.3 }).dropout).toBe(0.3);
  });

  it('states defaults for every synthetic CTR dataset it ships', () => {
    for (const d of index.filter(
      (e) => e.family === 'ctr' && e.bayesTestAuc !== undefined && e.id.startsWith('synthetic-ctr-') && e.id !== 'synthetic-ctr-lesson',
    ))
      expect(d.trainDefaults, d.id).toBeDefined();
  });

  it('turns the published preset into form values', () => {
    expect(formOfTrainDefaults(PUBLISHED_TRAIN_DEFAULTS)).toMatchObject({ lr: 1e-3, weightDecay: 1e-6, batchSize: 2048, mlp: '400-400', dropout: 0.2 });
  });
});
