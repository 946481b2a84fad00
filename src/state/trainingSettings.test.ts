import { describe, expect, it } from 'vitest';
import { createStudioStore } from './studioStore.ts';
import { createStudioUrlRegistry } from './studioUrl.ts';

describe('training URL keys', () => {
  it('a link carries the dataset, model and hyperparameters and restores them', () => {
    const registry = createStudioUrlRegistry();
    const a = createStudioStore();
    a.getState().setUi({ view: 'train' });
    a.getState().setTrainingForm({ datasetId: 'synthetic-ctr-small', kind: 'dcnv2', sets: 3, sizeMultiplier: 4, mlp: '400-400', lr: 0.002, seed: 9 });
    const hash = registry.format(a.getState());
    expect(hash).toContain('tmodel=dcnv2');
    const b = createStudioStore();
    registry.apply(registry.parse(hash).values, b.getState());
    expect(b.getState().trainingForm).toEqual(a.getState().trainingForm);
    expect(b.getState().ui.view).toBe('train');
  });

  it('rejects a bad value with a notice and keeps the default', () => {
    const registry = createStudioUrlRegistry();
    const { values, notices } = registry.parse('#v=1&tmlp=400;drop&tmodel=gpt');
    expect(values.tmlp).toBe('64-32');
    expect(values.tmodel).toBe('dnn');
    expect(notices.length).toBe(2);
  });
});
