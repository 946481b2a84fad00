import type { Persistence, PersistenceHandle } from './persistence.ts';
import { storageFailureReason } from './persistence.ts';
import { fromSavedTable, toSavedTable } from './savedRecords.ts';
import type { StudioStore } from './studioStore.ts';
import type { LoadedTable } from '../contracts/tables.ts';

export const STORAGE_NOTICE_ID = 'storage';

export function warnNotKept(store: StudioStore, reason: string): void {
  store.getState().pushNotice({ id: STORAGE_NOTICE_ID, kind: 'warning', text: `Your work will not be kept after reload: ${reason}` });
}

/**
 * Keeps the uploaded tables of the store in IndexedDB: restores them first, then mirrors every
 * add and remove. Examples are not stored (they regenerate). A failed write shows the
 * "will not be kept" banner and never throws. Returns a stop function.
 */
export async function startPersistence(store: StudioStore, handle: PersistenceHandle): Promise<() => void> {
  if (!handle.ok) {
    warnNotKept(store, handle.reason);
    return () => {};
  }
  const db: Persistence = handle.store;
  const fail = (e: unknown) => warnNotKept(store, storageFailureReason(e));
  /** Loaded table id -> its IndexedDB key (a pending write holds a promise of the key). */
  const keys = new Map<string, Promise<number | null>>();

  try {
    const { tables, skipped } = await db.listTables();
    for (const { key, table } of tables) keys.set(store.getState().addTable(fromSavedTable(table)), Promise.resolve(key));
    if (skipped > 0) {
      store.getState().pushNotice({
        id: 'storage-skipped',
        kind: 'info',
        text: `${skipped} saved table${skipped === 1 ? '' : 's'} could not be read by this version of RecLens and ${skipped === 1 ? 'was' : 'were'} left in storage.`,
      });
    }
  } catch (e) {
    fail(e);
  }

  const sync = (tables: LoadedTable[]) => {
    const current = new Set<string>();
    for (const t of tables) {
      if (t.origin !== 'file') continue;
      current.add(t.id);
      if (!keys.has(t.id))
        keys.set(
          t.id,
          db.putTable(toSavedTable(t)).catch((e: unknown) => (fail(e), null)),
        );
    }
    for (const [id, key] of keys) {
      if (current.has(id)) continue;
      keys.delete(id);
      void key.then((k) => (k === null ? undefined : db.deleteTable(k))).catch(fail);
    }
  };
  sync(store.getState().tables);
  return store.subscribe((s, prev) => {
    if (s.tables !== prev.tables) sync(s.tables);
  });
}
