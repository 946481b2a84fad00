import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../state/studioStore.ts';
import { DEFAULT_MULTITASK_FORM, type MtlRun } from '../state/multitaskSlice.ts';
import type { MtlArmSnapshot } from '../workers/multitaskProtocol.ts';
import { aucStandardError } from './aucNoise.ts';
import { dominanceFacts } from './dominanceFacts.ts';
import { lesson4 } from './lesson4AdaTask.ts';

const arm = (emb: number[], top: number[]): MtlArmSnapshot => ({
  dominance: [
    { layer: 'embedding', parameters: 10, meanRau: emb, argmaxShare: emb, histogram: [] },
    { layer: 'top', parameters: 10, meanRau: top, argmaxShare: top, histogram: [] },
  ],
  cosine: [],
  entanglement: [],
});
const metrics = (a: number, b: number) => [
  { task: 'click', auc: a, logloss: 0.5, gauc: a, rows: 2000, positives: 587 },
  { task: 'like', auc: b, logloss: 0.5, gauc: b, rows: 2000, positives: 65 },
];

const run: MtlRun = {
  id: 'm',
  label: 'x',
  form: DEFAULT_MULTITASK_FORM,
  datasetName: 'd',
  createdAt: 0,
  status: 'done',
  step: 150,
  epoch: 1,
  stepsPerSecond: 1,
  backend: 'cpu',
  sharedParameters: 1,
  tasks: ['click', 'like'],
  fields: [],
  layers: ['embedding', 'top'],
  losses: [],
  snapshots: [{ step: 150, arms: { adam: arm([0.78, 0.22], [0.6, 0.4]), alt: arm([0.61, 0.39], [0.55, 0.45]) } }],
  metrics: [{ step: 150, all: { adam: metrics(0.8, 0.7), alt: metrics(0.801, 0.72) }, comparable: { adam: [], alt: [] } }],
};

describe('dominance facts', () => {
  it('finds the most lopsided layer, the top shared layer and the task Adam starves there', () => {
    const f = dominanceFacts(run)!;
    expect(f.worst.layer).toBe('embedding');
    expect(f.worst.adam).toEqual({ task: 'click', rau: 0.78 });
    expect(f.worst.alt).toEqual({ task: 'click', rau: 0.61 });
    expect(f.top.layer).toBe('top');
    expect(f.top.adam).toEqual({ task: 'click', rau: 0.6 });
    expect(f.starved).toBe('like');
    expect(f.auc[1]).toEqual({ task: 'like', adam: 0.7, alt: 0.72, positives: 65, rows: 2000 });
  });

  it('writes the numbers into the lesson, and says so when AdaTask does not help', () => {
    const base = createStudioStore().getState();
    const lopsided = { ...run, snapshots: [{ step: 150, arms: { adam: arm([0.9, 0.1], [0.8, 0.2]), alt: arm([0.6, 0.4], [0.55, 0.45]) } }] };
    const steps = lesson4.steps([], { ...base, mtlRun: lopsided });
    if (!Array.isArray(steps)) throw new Error('blocked');
    expect(steps[1].text).toContain(
      'under Adam the top shared layer (top) is driven by click: a mean rAU of 0.80; click dominates it (0.70 or more). AdaTask brings the largest share there down to 0.55 (click)',
    );
    expect(steps[1].text).toContain('The most lopsided layer is lower down, embedding: click 0.90 under Adam, click 0.60 under AdaTask.');
    expect(steps[2].text).toContain('like: Adam 0.7000, AdaTask 0.7200 (+0.0200)');
    const se = aucStandardError(0.7, 65, 1935);
    expect(steps[2].text).toContain(`like has 65 positives in 2000 rows: its AUC has a standard error of about ${se.toFixed(3)}`);
    // +0.02 with a standard error of ~0.035: inside the noise.
    expect(se).toBeGreaterThan(0.01);
    expect(steps[2].text).toContain('AdaTask changes its AUC by +0.0200, within about two standard errors');
    const gained = { ...lopsided, metrics: [{ step: 150, all: { adam: metrics(0.8, 0.7), alt: metrics(0.79, 0.8) }, comparable: { adam: [], alt: [] } }] };
    const better = lesson4.steps([], { ...base, mtlRun: gained });
    expect(Array.isArray(better) && better[2].text).toContain(`AdaTask gives it +0.1000 AUC, about ${(0.1 / se).toFixed(1)} standard errors`);

    const worse = { ...run, snapshots: [{ step: 150, arms: { adam: arm([0.6, 0.4], [0.5, 0.5]), alt: arm([0.7, 0.3], [0.5, 0.5]) } }] };
    const again = lesson4.steps([], { ...base, mtlRun: worse });
    expect(Array.isArray(again) && again[1].text).toContain('AdaTask does not bring it closer');
    expect(Array.isArray(again) && again[1].text).toContain(
      'That is short of domination (0.70): in this run the top shared layer is not dominated by one task.',
    );
    expect(steps[2].text).not.toContain('close to chance');
    const early = { ...run, metrics: [{ step: 150, all: { adam: metrics(0.62, 0.54), alt: metrics(0.63, 0.53) }, comparable: { adam: [], alt: [] } }] };
    const near = lesson4.steps([], { ...base, mtlRun: early });
    expect(Array.isArray(near) && near[2].text).toContain('Under both optimisers like is still close to chance (AUC 0.5) at step 150');
    const running = lesson4.steps([], { ...base, mtlRun: { ...run, status: 'running' } });
    expect(Array.isArray(running) && running[1].text).toContain('Nothing has been trained yet');
  });
});
