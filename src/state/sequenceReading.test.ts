import { describe, expect, it } from 'vitest';
import { aucLines, comparedGroups, sweepChartLines, sweepPoints } from './sequenceReading.ts';
import { DEFAULT_SEQUENCE_FORM, type SeqRun } from './sequenceSlice.ts';

const run = (model: 'din' | 'twin' | 'dare', seed: number, auc: number, searchMs: number): SeqRun => ({
  id: `${model}-${seed}`,
  label: `${model} ${seed}`,
  form: { ...DEFAULT_SEQUENCE_FORM, model, seed, dim: 16, attentionDim: 8 },
  datasetName: 'd',
  createdAt: 0,
  status: 'done',
  step: 10,
  epoch: 1,
  stepsTotal: 10,
  samplesPerSecond: 1,
  backend: 'cpu',
  parameters: 1,
  losses: [],
  metrics: [{ step: 10, auc, logloss: 0.6 }] as SeqRun['metrics'],
  snapshots: [],
  report: { step: 10, testAuc: auc, testLogloss: 0.6, searchMs },
});

describe('Sequences view colours', () => {
  it('keeps each model on one palette entry in the AUC chart and the sweep, where DIN has no point', () => {
    const groups = comparedGroups([run('din', 1, 0.7, NaN), run('dare', 1, 0.71, 2), run('twin', 1, 0.69, 5), run('twin', 2, 0.7, 6)]);
    const auc = aucLines(groups);
    const sweep = sweepChartLines(sweepPoints(groups));
    expect(auc.map((l) => [l.label, l.colorIndex])).toEqual([
      ['DIN', 0],
      ['DARE attn 8/16', 1],
      ['TWIN (2 seeds)', 2],
    ]);
    // Sorted by search time, and without DIN: the colours still follow the models.
    expect(sweep.map((l) => [l.label, l.colorIndex])).toEqual([
      ['DARE attn 8/16', 1],
      ['TWIN (2 seeds)', 2],
    ]);
  });
});
