import { describe, expect, it } from 'vitest';
import type { ScalingPoint } from '../analysis/scalingPlan.ts';
import { createStudioStore } from '../state/studioStore.ts';
import { lesson3 } from './lesson3Scaling.ts';
import { scalingFacts } from './scalingFacts.ts';

const point = (variant: 'single' | 'multi', size: number, testAuc: number, meanIaRatio: number): ScalingPoint => ({
  variant,
  size,
  seed: 1,
  parameters: size * 1000,
  testAuc,
  testLogloss: 0.5,
  bestValidAuc: testAuc,
  steps: 60,
  meanIa: meanIaRatio * 4 * size,
  meanIaRatio,
});

describe('scaling facts', () => {
  const points = [point('single', 4, 0.7, 0.3), point('single', 1, 0.72, 0.6), point('multi', 1, 0.72, 0.6), point('multi', 4, 0.74, 0.5)];

  it('compares the variants at the largest shared size', () => {
    const f = scalingFacts(points)!;
    expect(f.top).toBe(4);
    expect(f.single.aucGain).toBeCloseTo(-0.02);
    expect(f.aucLead).toBeCloseTo(0.04);
    expect(f.iaLead).toBeCloseTo(0.2);
    expect(scalingFacts(points.filter((p) => p.variant === 'single'))).toBeNull();
    // The queue trains 1x once: the multi line starts from it.
    const shared = scalingFacts(points.filter((p) => !(p.variant === 'multi' && p.size === 1)))!;
    expect(shared.multi.points.map((p) => [p.size, p.testAuc])).toEqual([
      [1, 0.72],
      [4, 0.74],
    ]);
  });

  it('fills the lesson only when the queue is done, and reports the opposite when the run shows it', () => {
    const base = createStudioStore().getState();
    const running = lesson3.steps([], { ...base, scaling: { ...base.scaling, phase: 'running', points } });
    expect(Array.isArray(running) && running[1].text).toContain('has not finished');
    const flipped = points.map((p) => (p.variant === 'multi' && p.size === 4 ? { ...p, testAuc: 0.69, meanIaRatio: 0.2 } : p));
    const done = lesson3.steps([], { ...base, scaling: { ...base.scaling, phase: 'done', points: flipped } });
    if (!Array.isArray(done)) throw new Error('blocked');
    expect(done[1].text).toContain('single embedding is ahead by 0.0100');
    expect(done[2].text).toContain("does not show the paper's effect");
    // The recorded full-size run, once, with its provenance and a verdict per claim.
    expect(done[3].text.match(/Recorded run \(npm run experiments:record/g)).toHaveLength(1);
    expect(done[3].text).toMatch(/Test AUC at 10x, multi-embedding minus single [+−]\d\.\d{4} ± \d\.\d{4}; /);
    expect(done[3].text).toMatch(/Mean IA at 10x, multi-embedding minus single [+−]\d\.\d{4} ± \d\.\d{4}; /);
  });
});
