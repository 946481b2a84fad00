import { describe, expect, it } from 'vitest';
import type { ScalingPoint } from '../analysis/scalingPlan.ts';
import { SCALING_RECORD_KIND } from './measureRecords.ts';
import type { Persistence } from './persistence.ts';
import { checkRunRecord, type RunRecord } from './savedRecords.ts';
import { startScalingPersistence } from './scalingPersistence.ts';
import { createStudioStore } from './studioStore.ts';

function memoryDb() {
  const runs = new Map<string, RunRecord>();
  const db = {
    putRun: async (r: RunRecord) => void runs.set(r.id, structuredClone(r)),
    listRuns: async () => ({ runs: [...runs.values()], skipped: 0 }),
  } as unknown as Persistence;
  return { db, runs };
}

const point = (variant: 'single' | 'multi', size: number, testAuc: number): ScalingPoint => ({
  variant,
  size,
  seed: 1,
  parameters: 100 * size,
  testAuc,
  testLogloss: 0.5,
  bestValidAuc: testAuc,
  steps: 30,
  meanIa: 3 * size,
  meanIaRatio: 0.7,
});

describe('scaling queue persistence', () => {
  it('stores the queue when it ends and brings its points back into an idle queue after a reload', async () => {
    const { db, runs } = memoryDb();
    const before = createStudioStore();
    const stop = await startScalingPersistence(before, { ok: true, store: db });
    const settings = { ...before.getState().scaling.settings, sizes: [1, 2], variants: ['single' as const, 'multi' as const] };
    before.getState().setScaling({ settings, phase: 'running', total: 3, points: [] });
    const points = [point('single', 1, 0.7), point('single', 2, 0.71), point('multi', 2, 0.72)];
    before.getState().setScaling({ points });
    expect(runs.size).toBe(0);
    before.getState().setScaling({ phase: 'done', index: 3 });
    await Promise.resolve();
    expect([...runs.values()].map((r) => r.kind)).toEqual([SCALING_RECORD_KIND]);
    // A workspace file or IndexedDB reads it back like any other record.
    expect(() => checkRunRecord([...runs.values()][0])).not.toThrow();
    stop();

    const after = createStudioStore();
    await startScalingPersistence(after, { ok: true, store: db });
    expect(after.getState().scaling).toMatchObject({ phase: 'done', total: 3, index: 3, points, settings });
  });

  it('leaves a queue alone that is already going, and stores nothing while one runs', async () => {
    const { db, runs } = memoryDb();
    const first = createStudioStore();
    await startScalingPersistence(first, { ok: true, store: db });
    first.getState().setScaling({ phase: 'running', points: [point('single', 1, 0.7)] });
    first.getState().setScaling({ phase: 'cancelled' });
    await Promise.resolve();
    expect(runs.size).toBe(1);

    const busy = createStudioStore();
    busy.getState().setScaling({ phase: 'running', points: [] });
    await startScalingPersistence(busy, { ok: true, store: db });
    expect(busy.getState().scaling.phase).toBe('running');
    expect(busy.getState().scaling.points).toEqual([]);
  });
});
