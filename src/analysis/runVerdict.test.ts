import { describe, expect, it } from 'vitest';
import { differenceVerdict, resultVerdict, scalingVerdicts, stopReason, type StopInput } from './runVerdict.ts';
import type { ScalingSummaryRow } from './scalingPlan.ts';

const base: StopInput = { status: 'done', stoppedEarly: false, step: 300, epochs: 5, patience: 2, bestStep: 240, bestValidAuc: 0.7712 };

describe('stopReason', () => {
  it('says an early stop, with its patience in evaluations and the best validation', () => {
    expect(stopReason({ ...base, stoppedEarly: true, step: 45 })).toBe(
      'stopped early at step 45: valid AUC did not improve for 2 evaluations (best 0.7712 at step 240); test metrics use the best weights',
    );
    expect(stopReason({ ...base, stoppedEarly: true, patience: 1 })).toMatch(/for 1 evaluation \(/);
  });

  it('says a run that used every epoch, a stop by the user, and nothing while running', () => {
    expect(stopReason(base)).toBe('ran all 5 epochs (best 0.7712 at step 240)');
    expect(stopReason({ ...base, status: 'stopped' })).toBe('stopped by you at step 300');
    expect(stopReason({ ...base, status: 'running' })).toBe('');
    expect(stopReason({ ...base, bestValidAuc: NaN, epochs: 1 })).toBe('ran all 1 epoch');
  });
});

describe('resultVerdict', () => {
  it('grades the gap to the Bayes AUC at 0.02 and 0.05', () => {
    expect(resultVerdict(0.755, 0.763)).toMatchObject({ level: 'near-bayes' });
    expect(resultVerdict(0.73, 0.763)).toMatchObject({ level: 'learned' });
    expect(resultVerdict(0.73, 0.763)!.text).toMatch(/more epochs or rows may close it$/);
    expect(resultVerdict(0.73, 0.763, undefined, 'a better search may close it')!.text).toMatch(/: a better search may close it$/);
    const under = resultVerdict(0.6, 0.763)!;
    expect(under.level).toBe('under-trained');
    expect(under.gap).toBeCloseTo(0.163, 10);
    expect(under.text).toMatch(/under-trained, gap 0\.163/);
  });

  it("calls a run near a hard dataset's measured ceiling so, and one below it under-trained", () => {
    const at = resultVerdict(0.635, 0.78, 0.639)!;
    expect(at.level).toBe('at-measured-ceiling');
    expect(at.text).toMatch(/hard by design.*gap 0\.145/);
    expect(resultVerdict(0.6, 0.78, 0.639)).toMatchObject({ level: 'under-trained' });
    expect(resultVerdict(0.77, 0.78, 0.639)).toMatchObject({ level: 'near-bayes' });
  });

  it('calls a result at or below chance so, with or without a Bayes AUC', () => {
    expect(resultVerdict(0.46, 0.763)).toMatchObject({ level: 'chance' });
    expect(resultVerdict(0.515)).toMatchObject({ level: 'chance' });
    expect(resultVerdict(0.7)).toMatchObject({ level: 'learned-no-ceiling' });
    expect(resultVerdict(NaN, 0.7)).toBeNull();
  });
});

describe('differenceVerdict', () => {
  it('is within noise when the difference is inside the seed spread, clear when outside', () => {
    expect(differenceVerdict('d', { mean: 10, std: 0.5, seeds: 3 }, { mean: 10.3, std: 0.4, seeds: 3 })).toMatchObject({ clear: false });
    expect(differenceVerdict('d', { mean: 10, std: 0.5, seeds: 3 }, { mean: 10.3, std: 0.4, seeds: 3 }).text).toMatch(/within noise .* run more seeds/);
    expect(differenceVerdict('d', { mean: 10, std: 0.1, seeds: 3 }, { mean: 10.3, std: 0.2, seeds: 3 })).toMatchObject({ clear: true });
  });

  it('never calls a one-seed difference clear', () => {
    const v = differenceVerdict('d', { mean: 10, std: 0, seeds: 1 }, { mean: 12, std: 0, seeds: 1 });
    expect(v.clear).toBe(false);
    expect(v.text).toMatch(/one seed/);
  });
});

describe('scalingVerdicts', () => {
  const row = (variant: 'single' | 'multi', size: number, testAuc: number, meanIa: number, seeds = 3): ScalingSummaryRow => ({
    variant,
    size,
    seeds,
    parameters: 1000 * size,
    testAuc,
    testAucStd: 0.002,
    meanIa,
    meanIaStd: 0.1,
  });

  it('names points below chance or far from Bayes, and reads multi against single per size', () => {
    const lines = scalingVerdicts([row('single', 1, 0.46, 5), row('multi', 1, 0.46, 5), row('single', 4, 0.75, 9), row('multi', 4, 0.751, 11)], 0.763);
    expect(lines[0]).toMatch(/^1x: no better than chance/);
    expect(lines.filter((l) => l.startsWith('1x'))).toHaveLength(1);
    expect(lines.some((l) => /4x multi - single, mean IA: \+2\.00, larger than the seed spread/.test(l))).toBe(true);
    expect(lines.some((l) => /4x multi - single, test AUC: \+0\.0010, within noise/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('4x single'))).toBe(false);
  });
});
