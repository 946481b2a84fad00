import type { LessonStep } from './lessonTypes.ts';

/**
 * The run that puts a step's chart on screen: the step's own "run this" action, else the nearest
 * earlier step's (a link opened at step 2 of a training lesson has not run step 1's training).
 * Null when no step of the lesson has one: the chart needs tables the reader loads.
 */
export function chartSource(steps: readonly LessonStep[], index: number): { step: number; action: NonNullable<LessonStep['action']> } | null {
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const action = steps[i].action;
    if (action) return { step: i + 1, action };
  }
  return null;
}

/** What the step says while its chart is not on screen, given its source (chartSource) and its 1-based number. */
export function offScreenNote(source: ReturnType<typeof chartSource>, step: number): string {
  if (!source) return 'not on screen: load the tables it needs';
  return source.step === step ? 'not on screen yet: press ▶ below' : `not on screen yet: run step ${source.step}'s ▶ below`;
}
