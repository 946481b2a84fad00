import { describe, expect, it } from 'vitest';
import { chartSource, offScreenNote } from './chartSource.ts';
import type { LessonStep } from './lessonTypes.ts';

const step = (title: string, action?: LessonStep['action']): LessonStep => ({
  title,
  text: '',
  preset: {},
  chart: { selector: `#${title}`, name: title },
  lookFor: '',
  ...(action ? { action } : {}),
});

describe('chartSource', () => {
  const train = { id: 'train-run', label: 'Train' } as const;
  const measure = { id: 'mtl-conflicts', label: 'Measure' } as const;
  it("finds the step's own run, else the nearest earlier step's", () => {
    const steps = [step('a', train), step('b'), step('c', measure), step('d')];
    expect(chartSource(steps, 0)).toEqual({ step: 1, action: train });
    expect(chartSource(steps, 1)).toEqual({ step: 1, action: train });
    expect(chartSource(steps, 2)).toEqual({ step: 3, action: measure });
    expect(chartSource(steps, 3)).toEqual({ step: 3, action: measure });
    expect(chartSource(steps, 9)).toEqual({ step: 3, action: measure });
  });
  it('is null when no step runs anything (the chart needs loaded tables)', () => {
    expect(chartSource([step('a'), step('b')], 1)).toBeNull();
  });
  it('says which button brings the chart, or that tables are needed', () => {
    const steps = [step('a', train), step('b')];
    expect(offScreenNote(chartSource(steps, 0), 1)).toBe('not on screen yet: press ▶ below');
    expect(offScreenNote(chartSource(steps, 1), 2)).toBe("not on screen yet: run step 1's ▶ below");
    expect(offScreenNote(null, 2)).toBe('not on screen: load the tables it needs');
  });
});
