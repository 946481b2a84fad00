import { describe, expect, it } from 'vitest';
import { buildExampleTables, COLLAPSED_SOURCE } from '../examples/exampleTables.ts';
import { createStudioStore } from '../state/studioStore.ts';
import { type LoadedTable } from '../contracts/tables.ts';
import { collapseFacts, dimensionsUsed, smallestValue, valuesAboveTenth } from './collapseFacts.ts';
import { LESSON_ACTIONS, type LessonActionContext } from './lessonActions.ts';
import { findLesson, LESSONS } from './lessonCatalog.ts';
import { lesson1 } from './lesson1Collapse.ts';

const results = createStudioStore().getState();
const noControllers: LessonActionContext = {
  training: () => {
    throw new Error('lesson 1 trains nothing');
  },
  multitask: () => {
    throw new Error('lesson 1 trains nothing');
  },
  sequence: () => {
    throw new Error('lesson 1 trains nothing');
  },
};

function loaded(): LoadedTable[] {
  const store = createStudioStore();
  for (const t of buildExampleTables()) store.getState().addTable(t);
  return store.getState().tables;
}

describe('collapse facts', () => {
  it('reads counts and extremes off a spectrum', () => {
    const f = {
      name: 'x',
      rows: 10,
      dim: 4,
      singular_values: [],
      normalized_spectrum: [1, 0.5, 0.05, 0],
      information_abundance: 1.55,
      effective_rank: 2,
      excluded_rows: 0,
    };
    expect(valuesAboveTenth(f)).toBe(2);
    expect(smallestValue(f)).toEqual({ value: 0.05, index: 3 });
    expect(dimensionsUsed(f)).toBe(2);
  });

  it('needs both examples', () => {
    expect(collapseFacts(loaded().slice(0, 1))).toBeNull();
    const facts = collapseFacts(loaded())!;
    expect(facts.dim).toBe(32);
    expect(facts.worst.name).toBe('user_id');
    expect(facts.collapsedCount.healthy).toBeLessThan(facts.collapsedCount.collapsed);
  });
});

describe('lesson 1', () => {
  it('fills its claims from the computed results', () => {
    const tables = loaded();
    const steps = lesson1.steps(tables, results);
    if (!Array.isArray(steps)) throw new Error('blocked');
    expect(steps).toHaveLength(6);
    const item = tables.find((t) => t.source === COLLAPSED_SOURCE)!.result.fields.find((f) => f.name === 'item_id')!;
    expect(steps[2].text).toContain(
      `IA ${item.information_abundance.toFixed(2)}: it uses about ${Math.round(item.information_abundance)} of its 32 dimensions`,
    );
    expect(steps[2].preset).toEqual({ view: 'collapse', sort: 'ia' });
    // Changing the data changes the claim: nothing is hard-coded.
    const altered = tables.map((t) =>
      t.source !== COLLAPSED_SOURCE
        ? t
        : { ...t, result: { ...t.result, fields: t.result.fields.map((f) => (f.name === 'item_id' ? { ...f, information_abundance: 9.4 } : f)) } },
    );
    const again = lesson1.steps(altered, results);
    expect(Array.isArray(again) && again[2].text).toContain('IA 9.40: it uses about 9 of its 32 dimensions');
  });

  it('offers to load the examples when they are gone, and the action does it', async () => {
    const store = createStudioStore();
    const blocked = lesson1.steps([], results);
    expect(blocked).toMatchObject({ action: { id: 'load-examples' } });
    await LESSON_ACTIONS['load-examples'](store, noControllers);
    await LESSON_ACTIONS['load-examples'](store, noControllers); // idempotent
    expect(store.getState().tables).toHaveLength(2);
    expect(Array.isArray(lesson1.steps(store.getState().tables, results))).toBe(true);
    await LESSON_ACTIONS['curves-user-id'](store, noControllers);
    expect(store.getState().curveSelection).toEqual(store.getState().tables.map((t) => `${t.id}/user_id`));
  });

  it('lists every lesson, all openable', () => {
    expect(LESSONS.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(LESSONS.every((l) => l.available)).toBe(true);
    expect(findLesson(1)).toBe(lesson1);
    expect(findLesson(42)).toBeNull();
  });
});
