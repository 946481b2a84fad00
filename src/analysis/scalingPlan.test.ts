import { describe, expect, it } from 'vitest';
import { meanIa, scalingRuns, summarizeScaling, type ScalingPoint } from './scalingPlan.ts';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG } from '../contracts/modelConfig.ts';

describe('scaling plan', () => {
  it('single widens one table, multi adds tables of the base dim; size 1 is trained once', () => {
    const runs = scalingRuns({
      sizes: [1, 2, 4],
      variants: ['single', 'multi'],
      seeds: [1, 2],
      model: { ...DEFAULT_MODEL_CONFIG, embeddingDim: 10 },
      train: DEFAULT_TRAIN_CONFIG,
    });
    expect(runs).toHaveLength(3 * 2 + 2 * 2);
    const pick = (variant: string, size: number) => runs.find((r) => r.variant === variant && r.size === size && r.seed === 2)!;
    expect(pick('single', 4).model).toMatchObject({ embeddingDim: 40, embeddingSets: 1, seed: 2 });
    expect(pick('multi', 4).model).toMatchObject({ embeddingDim: 10, embeddingSets: 4 });
    expect(pick('multi', 4).train.seed).toBe(2);
    expect(runs.some((r) => r.variant === 'multi' && r.size === 1)).toBe(false);
  });

  it('summary: mean and sd over seeds, size 1 shared by both variants', () => {
    const p = (variant: 'single' | 'multi', size: number, seed: number, testAuc: number, ia: number): ScalingPoint => ({
      variant,
      size,
      seed,
      parameters: 100 * size,
      testAuc,
      testLogloss: 0.5,
      bestValidAuc: testAuc,
      steps: 10,
      meanIa: ia,
      meanIaRatio: ia / (10 * size),
    });
    const rows = summarizeScaling([p('single', 1, 1, 0.7, 5), p('single', 1, 2, 0.72, 7), p('single', 2, 1, 0.71, 8), p('multi', 2, 1, 0.73, 12)]);
    expect(rows.find((r) => r.variant === 'multi' && r.size === 1)).toMatchObject({ seeds: 2, testAuc: 0.71, meanIa: 6 });
    expect(rows.find((r) => r.variant === 'single' && r.size === 1)!.meanIaStd).toBeCloseTo(Math.SQRT2, 12);
    expect(rows.find((r) => r.variant === 'multi' && r.size === 2)).toMatchObject({ meanIa: 12, parameters: 200 });
  });

  it('meanIa averages fields and divides by the dim', () => {
    const f = (ia: number) => ({
      name: 'f',
      rows: 5,
      dim: 8,
      singular_values: [],
      normalized_spectrum: [],
      information_abundance: ia,
      effective_rank: 1,
      excluded_rows: 0,
    });
    expect(meanIa([f(2), f(4)])).toEqual({ meanIa: 3, meanIaRatio: 3 / 8 });
  });
});
