import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../state/studioStore.ts';
import type { MtlRun } from '../state/multitaskSlice.ts';
import type { MtlConflictResult, MtlModelDistances } from '../workers/multitaskProtocol.ts';
import { conflictFacts, entanglementByField } from './conflictFacts.ts';
import { lesson5 } from './lesson5Stem.ts';

const model = (name: string, tables: [string, string], separated: number) => ({ name, tables, separated }) as MtlModelDistances;
const result: MtlConflictResult = {
  tasks: ['click', 'like'],
  pairs: 400,
  conflictPairs: 52,
  steps: 60,
  models: [
    model('single-task', ['click', 'like'], NaN),
    model('shared-bottom', ['shared', 'shared'], 0),
    model('mmoe', ['shared', 'shared'], 0.02),
    model('stem', ['click', 'like'], 0.4),
  ],
};

describe('conflict facts', () => {
  it('compares STEM with the best shared table', () => {
    expect(conflictFacts(result)).toMatchObject({ stem: 0.4, bestShared: { name: 'mmoe', separated: 0.02 }, conflictPairs: 52 });
    expect(conflictFacts({ ...result, conflictPairs: 0 })).toBeNull();
  });

  it('averages entanglement per field over snapshots, skipping NaN', () => {
    const snaps = [{ arms: { adam: { entanglement: [0.2, -0.4, NaN] } } }, { arms: { adam: { entanglement: [0.4, -0.2, NaN] } } }];
    // Two snapshots 0.2 apart: sd 0.1414, standard error 0.1.
    expect(entanglementByField(['user', 'item', 'ctx'], snaps)).toEqual([
      { field: 'item', cosine: expect.closeTo(-0.3), se: expect.closeTo(0.1), snapshots: 2 },
      { field: 'user', cosine: expect.closeTo(0.3), se: expect.closeTo(0.1), snapshots: 2 },
    ]);
  });

  it('reads the measure into the lesson, and says when STEM does not separate more', () => {
    const base = createStudioStore().getState();
    const done = (r: MtlConflictResult) => lesson5.steps([], { ...base, mtlConflict: { phase: 'done', progress: null, result: r, error: null } });
    const steps = done(result);
    expect(Array.isArray(steps) && steps[1].text).toContain(
      '52 are conflict pairs (60 steps per model). STEM separates 40.0 % of them; the best shared table (mmoe) 2.0 %',
    );
    const tie = done({ ...result, models: result.models.map((m) => (m.name === 'stem' ? { ...m, separated: 0.01 } : m)) });
    expect(Array.isArray(tie) && tie[1].text).toContain('more steps per model are needed');
    expect(Array.isArray(tie) && tie[1].text).toContain('no more than two unrelated task tables would separate by chance (about 16.0 %)');
    expect(Array.isArray(steps) && steps[1].text).toContain("STEM's slices have learned the conflict");
  });

  it('step 4 names the fields whose gradients oppose beyond their noise, and says when none does', () => {
    const base = createStudioStore().getState();
    // Each field's cosine at two snapshots: its value ± spread (standard error = spread).
    const mtlRun = (entanglement: number[], spread: number) =>
      ({
        status: 'done',
        form: { datasetId: 'synthetic-mtl-conflict' },
        fields: ['user', 'item'],
        snapshots: [
          { arms: { adam: { entanglement: entanglement.map((x) => x - spread) } } },
          { arms: { adam: { entanglement: entanglement.map((x) => x + spread) } } },
        ],
      }) as unknown as MtlRun;
    const text = (entanglement: number[], spread = 0.05) => {
      const steps = lesson5.steps([], { ...base, mtlRun: mtlRun(entanglement, spread) });
      return Array.isArray(steps) ? steps[3].text : '';
    };
    expect(text([0.2, -0.3])).toContain("The tasks pull apart on item (below zero by more than twice its standard error over the run's 2 snapshots):");
    expect(text([0.2, -0.3])).toContain("item's rows have cosine -0.30 ± 0.05, the most opposed;");
    expect(text([0.2, 0.1])).toContain("No field's cosine is below zero by more than twice its standard error");
    expect(text([0.2, 0.1])).toContain("item's rows have cosine 0.10 ± 0.05, the lowest;");
    // Negative, but within two standard errors of zero: noise, not opposition.
    expect(text([0.2, -0.05], 0.04)).toContain("No field's cosine is below zero by more than twice its standard error");
    expect(text([0.2, -0.05], 0.04)).toContain("item's rows have cosine -0.05 ± 0.04, the lowest;");
  });
});
