import { describe, expect, it } from 'vitest';
import { RECORDED, recordedEffect, recordedSentence, type RecordedEffect, type RecordedEffects } from './recordedEffects.ts';

const effect = (over: Partial<RecordedEffect>): RecordedEffect => ({
  id: 'stem-vs-shared',
  name: 'STEM minus the best shared table',
  direction: 1,
  threshold: 0,
  dataset: 'synthetic-mtl-conflict',
  setting: '60 steps',
  seeds: [1, 2, 3, 4, 5],
  values: [0.5, 0.4, 0.45, 0.55, 0.6],
  mean: 0.5,
  sd: 0.079,
  agree: 5,
  holds: true,
  ...over,
});
const record = (effects: RecordedEffect[]): RecordedEffects => ({
  command: 'npm run experiments:record',
  date: '2026-12-06T13:00:00.000Z',
  backend: 'wasm',
  effects,
  scaling: { dataset: 'x', bayesTestAuc: 0.77, points: [] },
});

describe('recorded effects', () => {
  it('labels a recorded effect with its command, date, dataset and seeds, and says when it holds', () => {
    const e = effect({});
    const text = recordedSentence(e, record([e]));
    expect(text).toContain('Recorded run (npm run experiments:record, 2026-12-06, synthetic-mtl-conflict, 60 steps, seeds 1-5)');
    expect(text).toContain('+0.500 ± 0.079');
    expect(text).toContain("the paper's direction holds in 5 of 5 seeds");
  });

  it('says plainly when an effect does not reproduce', () => {
    const e = effect({ id: 'interaction-without-field', direction: -1, mean: -0.07, sd: 0.14, agree: 4, holds: false });
    const text = recordedSentence(e, record([e]));
    expect(text).toContain('−0.070 ± 0.140');
    expect(text).toContain("this does not reproduce: 4 of 5 seeds point the paper's way, within the seed spread or too few");
    expect(text).not.toContain('holds');
  });

  it('prints a thresholded effect as a level, not a signed difference', () => {
    const e = effect({ id: 'dominance-adam', threshold: 0.7, mean: 0.75, sd: 0.02 });
    expect(recordedSentence(e, record([e]))).toContain('0.750 ± 0.020');
  });

  it('finds effects by id, and the shipped record is well formed', () => {
    const e = effect({});
    expect(recordedEffect('stem-vs-shared', record([e]))).toBe(e);
    expect(recordedEffect('multi-ia-4x', record([e]))).toBeNull();
    expect(RECORDED.command).toBe('npm run experiments:record');
    for (const r of RECORDED.effects) {
      expect(r.values).toHaveLength(r.seeds.length);
      expect(r.agree).toBeLessThanOrEqual(r.seeds.length);
      expect(r.values.filter((v) => (v - r.threshold) * r.direction > 0)).toHaveLength(r.agree);
    }
  });
});
