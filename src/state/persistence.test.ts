import { describe, expect, it } from 'vitest';
import { buildExampleTables } from '../examples/exampleTables.ts';
import type { IDBPDatabase } from 'idb';
import { idbPersistence, openPersistence, storageFailureReason, type Persistence } from './persistence.ts';
import { startPersistence } from './persistenceSync.ts';
import { toSavedTable, type RunRecord, type SavedTable } from './savedRecords.ts';
import { createStudioStore } from './studioStore.ts';

/** An in-memory Persistence whose writes can be made to fail. */
function memoryPersistence(initial: SavedTable[] = []) {
  const tables = new Map<number, SavedTable>(initial.map((t, i) => [i + 1, t]));
  let next = initial.length + 1;
  const state = { failWrites: null as Error | null, tables };
  const db: Persistence = {
    async putTable(t) {
      if (state.failWrites) throw state.failWrites;
      tables.set(next, t);
      return next++;
    },
    async deleteTable(k) {
      tables.delete(k);
    },
    async listTables() {
      return { tables: [...tables].map(([key, table]) => ({ key, table })), skipped: 0 };
    },
    async putRun() {},
    async deleteRun() {},
    async listRuns() {
      return { runs: [] as RunRecord[], skipped: 0 };
    },
    async putRunProgress() {},
    async getCheckpoint() {
      return undefined;
    },
    async deleteCheckpoint() {},
  };
  return { db, state };
}

const uploaded = () => ({ ...buildExampleTables()[1], source: 'mine.npy', format: 'npy' as const, origin: 'file' as const });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('openPersistence', () => {
  it('reports why storage cannot be used instead of throwing', async () => {
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    expect(await openPersistence(() => Promise.reject(quota))).toEqual({ ok: false, reason: storageFailureReason(quota) });
    expect(
      await openPersistence(() => {
        throw new DOMException('no', 'SecurityError');
      }),
    ).toEqual({ ok: false, reason: expect.stringContaining('private browsing') });
    // Node has no IndexedDB at all: the default opener says so.
    expect(await openPersistence()).toEqual({ ok: false, reason: expect.stringContaining('no IndexedDB') });
  });

  it('words the common failures plainly', () => {
    expect(storageFailureReason(new DOMException('x', 'QuotaExceededError'))).toMatch(/storage for this site is full/);
    expect(storageFailureReason(new Error('disk on fire'))).toBe('storage failed (disk on fire).');
  });
});

describe('startPersistence', () => {
  it('restores stored tables and mirrors adds and removes (never examples)', async () => {
    const stored = toSavedTable(uploaded(), 1);
    const { db, state } = memoryPersistence([stored]);
    const store = createStudioStore();
    for (const t of buildExampleTables()) store.getState().addTable(t);
    const stop = await startPersistence(store, { ok: true, store: db });
    const restored = store.getState().tables.find((t) => t.source === 'mine.npy')!;
    expect(restored.origin).toBe('file');
    expect(restored.result).toEqual(stored.result);

    store.getState().addTable({ ...uploaded(), source: 'second.npy' });
    await flush();
    expect([...state.tables.values()].map((t) => t.source).sort()).toEqual(['mine.npy', 'second.npy']);
    store.getState().removeTable(restored.id);
    await flush();
    expect([...state.tables.values()].map((t) => t.source)).toEqual(['second.npy']);
    expect(store.getState().notices).toEqual([]);
    stop();
  });

  it('warns, never throws, when storage is unavailable or a write fails', async () => {
    const store = createStudioStore();
    await startPersistence(store, { ok: false, reason: 'this browser has no IndexedDB.' });
    expect(store.getState().notices[0]).toMatchObject({
      id: 'storage',
      kind: 'warning',
      text: 'Your work will not be kept after reload: this browser has no IndexedDB.',
    });

    const { db, state } = memoryPersistence();
    state.failWrites = new DOMException('quota', 'QuotaExceededError');
    const store2 = createStudioStore();
    const stop = await startPersistence(store2, { ok: true, store: db });
    store2.getState().addTable(uploaded());
    await flush();
    expect(store2.getState().notices[0].text).toMatch(/^Your work will not be kept after reload: the browser's storage/);
    expect(store2.getState().tables).toHaveLength(1); // the table itself stays loaded
    stop();
  });
});

describe('reading stored records', () => {
  /** Just the reads listTables and listRuns make, over records as IndexedDB would hand them back. */
  const fakeDb = (tables: unknown[], runs: unknown[]) =>
    ({
      transaction: () => ({ store: { getAllKeys: async () => tables.map((_, i) => i + 1), getAll: async () => tables } }),
      getAll: async () => runs,
    }) as unknown as IDBPDatabase<never>;

  it('skips and counts corrupted records instead of failing the whole list', async () => {
    const good = toSavedTable(uploaded(), 1);
    const huge = structuredClone(good);
    huge.result.fields[0].dim = 1e308;
    const negative = structuredClone(good);
    negative.result.fields[1].rows = -5;
    const goodRun: RunRecord = {
      id: 'r1',
      kind: 'notes',
      label: 'x',
      createdAt: 1,
      updatedAt: 1,
      config: {},
      metrics: [{ step: 1, values: { loss: 0.5 } }],
      spectra: [],
    };
    let deep: unknown = 0;
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const db = idbPersistence(
      fakeDb(
        [good, null, 'text', huge, negative, { ...good, tensors: null }],
        [
          goodRun,
          null,
          { ...goodRun, config: null },
          { ...goodRun, config: { deep } },
          { ...goodRun, metrics: [{ step: 1, values: { loss: 'x' } }] },
          { ...goodRun, kind: 'ctr-training' },
        ],
      ) as never,
    );
    const { tables, skipped } = await db.listTables();
    expect(tables).toEqual([{ key: 1, table: good }]);
    expect(skipped).toBe(5);
    expect(await db.listRuns()).toEqual({ runs: [goodRun], skipped: 5 });
  });
});
