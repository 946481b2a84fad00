import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticMtl } from '../../data/mtl/syntheticMtl.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { buildMultiTaskModel } from './buildMultiTaskModel.ts';
import { measureConflictPairs } from './conflictPairs.ts';
import { DEFAULT_MULTI_TASK_CONFIG } from './types.ts';
import { type MultiTaskKind } from '../../contracts/multitaskConfig.ts';

const DATA = generateSyntheticMtl({ seed: 8, rows: 3000, users: 50, items: 60 });

beforeAll(() => useBackend('cpu'));

describe('measureConflictPairs', () => {
  it('separates every conflict pair with the single-task tables, none with a shared table, and histograms every pair', () => {
    const build = (kind: MultiTaskKind, seed: number) =>
      buildMultiTaskModel({ ...DEFAULT_MULTI_TASK_CONFIG, kind, embeddingDim: 4, seed }, DATA.fields, DATA.tasks);
    const single = build('single', 1);
    const mmoe = build('mmoe', 2);
    const stem = build('stem', 3);
    const m = measureConflictPairs(DATA, single, [
      { name: 'mmoe', model: mmoe },
      { name: 'stem', model: stem },
    ]);
    expect(m.pairs.users.length).toBeGreaterThan(20);
    expect(m.conflictCount).toBeGreaterThan(0);
    expect(m.models.map((x) => x.name)).toEqual(['single-task', 'mmoe', 'stem']);
    expect(m.models[0].separated).toBe(1);
    expect(m.models[1].tables).toEqual(['shared', 'shared']);
    expect(m.models[1].separated).toBe(0);
    expect(m.models[2].tables).toEqual(['click', 'like']);
    expect(m.models[2].separated).toBeGreaterThanOrEqual(0);
    for (const model of m.models) {
      const h = model.histogramA;
      expect(h.edges.length).toBe(40);
      const total = [...h.conflict, ...h.other].reduce((a, b) => a + b, 0);
      expect(total).toBe(m.pairs.users.length);
      expect(h.conflict.reduce((a, b) => a + b, 0)).toBe(m.conflictCount);
      expect(model.joint.counts.reduce((a, b) => a + b, 0)).toBe(m.conflictCount);
    }
    for (const model of [single, mmoe, stem]) model.dispose();
  });
});
