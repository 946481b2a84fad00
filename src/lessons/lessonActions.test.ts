import { describe, expect, it } from 'vitest';
import type { MultitaskController } from '../state/multitaskController.ts';
import { createStudioStore } from '../state/studioStore.ts';
import type { TrainingController } from '../state/trainingController.ts';
import type { SequenceController } from '../state/sequenceController.ts';
import { LESSON_ACTIONS, whenState, type LessonActionContext } from './lessonActions.ts';
import { LESSON_SCALING } from './lessonPresets.ts';

function fakes(calls: string[]): LessonActionContext {
  const training = { train: async () => void calls.push('train'), startScaling: async () => void calls.push('scaling') } as unknown as TrainingController;
  const multitask = {
    init: async () => void calls.push('init'),
    selectDataset: async (id: string) => void calls.push(`select ${id}`),
    train: async () => void calls.push('mtl-train'),
    measureConflicts: async () => void calls.push('conflicts'),
  } as unknown as MultitaskController;
  const sequence = {
    init: async () => void calls.push('seq-init'),
    selectDataset: async (id: string) => void calls.push(`seq-select ${id}`),
    compare: async () => void calls.push('compare'),
    sweep: async () => void calls.push('sweep'),
  } as unknown as SequenceController;
  return { training: () => training, multitask: () => multitask, sequence: () => sequence };
}

describe('lesson actions', () => {
  it('whenState resolves once the store gets there', async () => {
    const store = createStudioStore();
    let done = false;
    const wait = whenState(store, (s) => s.datasetIndex.length > 0).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    store.getState().setDatasetIndex([{ id: 'x' } as never]);
    await wait;
    expect(done).toBe(true);
  });

  it('train and scaling wait for the dataset list; scaling uses the lesson settings', async () => {
    const store = createStudioStore();
    const calls: string[] = [];
    const pending = LESSON_ACTIONS['scaling-run'](store, fakes(calls));
    await Promise.resolve();
    expect(calls).toEqual([]);
    store.getState().setDatasetIndex([{ id: 'x' } as never]);
    await pending;
    expect(calls).toEqual(['scaling']);
    expect(store.getState().scaling.settings).toEqual(LESSON_SCALING);
    await LESSON_ACTIONS['train-run'](store, fakes(calls));
    expect(calls).toEqual(['scaling', 'train']);
  });

  it('multi-task actions load the form dataset first', async () => {
    const store = createStudioStore();
    store.getState().setMtlForm({ datasetId: 'synthetic-mtl-conflict' });
    const calls: string[] = [];
    const pending = LESSON_ACTIONS['mtl-conflicts'](store, fakes(calls));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['init', 'select synthetic-mtl-conflict']);
    store.getState().setMtlDataset({ phase: 'ready', key: 'synthetic-mtl-conflict' });
    await pending;
    expect(calls.at(-1)).toBe('conflicts');
    await LESSON_ACTIONS['mtl-train'](store, fakes(calls));
    expect(calls.slice(-2)).toEqual(['init', 'mtl-train']);
  });

  it('sequence actions load the form dataset, then compare or sweep; a dataset that fails to load trains nothing', async () => {
    const store = createStudioStore();
    store.getState().setSeqForm({ datasetId: 'synthetic-sequences' });
    const calls: string[] = [];
    const pending = LESSON_ACTIONS['seq-compare'](store, fakes(calls));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['seq-init', 'seq-select synthetic-sequences']);
    store.getState().setSeqDataset({ phase: 'ready', key: 'synthetic-sequences' });
    await pending;
    expect(calls.at(-1)).toBe('compare');
    await LESSON_ACTIONS['seq-sweep'](store, fakes(calls));
    expect(calls.slice(-2)).toEqual(['seq-init', 'sweep']);
    store.getState().setSeqDataset({ phase: 'error', key: 'other' });
    const failed: string[] = [];
    await LESSON_ACTIONS['seq-compare'](store, fakes(failed));
    expect(failed).toEqual(['seq-init', 'seq-select synthetic-sequences']);
  });
});
