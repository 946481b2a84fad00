import { describe, expect, it } from 'vitest';
import { buildExampleTables } from '../examples/exampleTables.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import { readRemovedExamples, trackRemovedExamples, type KeyValueStorage } from './removedExamples.ts';
import { createStudioController } from './studioController.ts';
import { createStudioStore } from './studioStore.ts';

function memoryStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const client = { exampleTables: async () => buildExampleTables() } as unknown as AnalysisClient;

/** One page load: a fresh store, tracking started, then the examples loaded as main.tsx does. */
async function pageLoad(storage: KeyValueStorage) {
  const store = createStudioStore();
  trackRemovedExamples(store, storage);
  const original = globalThis.localStorage;
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
  try {
    await createStudioController(client, store).loadExamples();
  } finally {
    Object.defineProperty(globalThis, 'localStorage', { value: original, configurable: true });
  }
  return store;
}

describe('removed examples stay removed', () => {
  it('an example removed before a reload is not added again; one re-added is forgotten', async () => {
    const storage = memoryStorage();
    const first = await pageLoad(storage);
    const all = first.getState().tables.map((t) => t.source);
    expect(all.length).toBeGreaterThan(1);
    const gone = first.getState().tables[0];
    first.getState().removeTable(gone.id);
    expect([...readRemovedExamples(storage)]).toEqual([gone.source]);

    const second = await pageLoad(storage);
    expect(second.getState().tables.map((t) => t.source)).toEqual(all.filter((s) => s !== gone.source));

    // A lesson loads the examples again: the removal is forgotten, and the next reload shows it.
    second.getState().addTable(buildExampleTables().find((t) => t.source === gone.source)!);
    expect(readRemovedExamples(storage).size).toBe(0);
    const third = await pageLoad(storage);
    expect(
      third
        .getState()
        .tables.map((t) => t.source)
        .sort(),
    ).toEqual([...all].sort());
  });

  it('an unreadable or foreign value counts as nothing removed, and a missing storage is harmless', () => {
    const storage = memoryStorage();
    storage.setItem('reclens.removedExamples', '{not json');
    expect(readRemovedExamples(storage).size).toBe(0);
    storage.setItem('reclens.removedExamples', '[1,2]');
    expect(readRemovedExamples(storage).size).toBe(0);
    expect(readRemovedExamples(null).size).toBe(0);
  });
});
