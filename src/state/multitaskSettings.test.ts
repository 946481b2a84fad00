import { describe, expect, it } from 'vitest';
import { applyMtlEvent, shownLayer, type MtlRun } from './multitaskSlice.ts';
import { createStudioStore } from './studioStore.ts';
import { createStudioUrlRegistry } from './studioUrl.ts';

describe('multi-task URL keys and run events', () => {
  it('a link carries the multi-task view, dataset, model, optimiser and beta and restores them', () => {
    const registry = createStudioUrlRegistry();
    const a = createStudioStore();
    a.getState().setUi({ view: 'multitask' });
    a.getState().setMtlForm({ datasetId: 'synthetic-mtl-conflict', model: 'stem', alternative: 'adatask-rmsprop', beta: 0.5, steps: 40, conflictSteps: 7 });
    const hash = registry.format(a.getState());
    expect(hash).toContain('view=multitask');
    expect(hash).toContain('mmodel=stem');
    const b = createStudioStore();
    registry.apply(registry.parse(hash).values, b.getState());
    expect(b.getState().mtlForm).toEqual(a.getState().mtlForm);
    expect(registry.parse('#v=1&mmodel=gpt&mbeta=2').notices).toHaveLength(2);
  });

  it('applies worker events to a run and picks the top layer by default', () => {
    const run = { losses: [], snapshots: [], metrics: [], layers: [] } as unknown as MtlRun;
    const started = {
      ...run,
      ...applyMtlEvent(run, { type: 'started', tasks: ['a', 'b'], fields: ['user'], layers: ['embedding', 'bottom/0'], backend: 'cpu', parameters: 10 }),
    };
    expect(shownLayer(started, '')).toBe('bottom/0');
    expect(shownLayer(started, 'embedding')).toBe('embedding');
    const progressed = applyMtlEvent(started, {
      type: 'progress',
      step: 3,
      epoch: 0,
      points: [{ step: 2, losses: { adam: [1, 2], alt: [1, 2] } }],
      stepsPerSecond: 2,
    });
    expect(progressed.losses).toEqual([{ step: 2, losses: { adam: [1, 2], alt: [1, 2] } }]);
    expect(progressed.step).toBe(3);
  });
});
