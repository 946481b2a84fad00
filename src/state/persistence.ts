import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { readRunRecord } from './runRecord.ts';
import { checkSavedTable, type RunRecord, type SavedTable } from './savedRecords.ts';

export const DB_NAME = 'reclens';
export const DB_VERSION = 2;

interface ReclensDB extends DBSchema {
  tables: { key: number; value: SavedTable };
  runs: { key: string; value: RunRecord };
  /** The latest resumable state of an unfinished run, keyed by the run's id. */
  checkpoints: { key: string; value: SavedCheckpoint };
}

/**
 * A family's checkpoint as stored beside its run: packed, its typed arrays in one Blob
 * (workers/checkpointPacking.ts), or plain typed arrays and numbers as earlier builds stored it.
 */
export interface SavedCheckpoint {
  runId: string;
  step: number;
  savedAt: number;
  checkpoint: unknown;
}

/** The browser-side store of analysed tables and runs. Every method may reject (quota, revoked storage). */
export interface Persistence {
  putTable(table: SavedTable): Promise<number>;
  deleteTable(key: number): Promise<void>;
  /** Stored tables that still validate; `skipped` counts records this build cannot read. */
  listTables(): Promise<{ tables: { key: number; table: SavedTable }[]; skipped: number }>;
  putRun(run: RunRecord): Promise<void>;
  deleteRun(id: string): Promise<void>;
  listRuns(): Promise<{ runs: RunRecord[]; skipped: number }>;
  /** Writes an unfinished run and its checkpoint together (one transaction: never one without the other). */
  putRunProgress(run: RunRecord, checkpoint: SavedCheckpoint): Promise<void>;
  getCheckpoint(runId: string): Promise<SavedCheckpoint | undefined>;
  deleteCheckpoint(runId: string): Promise<void>;
}

export type PersistenceHandle = { ok: true; store: Persistence } | { ok: false; reason: string };

/** A plain-language reason for a storage failure, for the "will not be kept" banner. */
export function storageFailureReason(e: unknown): string {
  const name = e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e) ? String((e as { name: unknown }).name) : '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError') return "the browser's storage for this site is full (free space or remove tables).";
  if (name === 'SecurityError' || name === 'InvalidStateError') return 'the browser does not allow storage here (private browsing, or site data blocked).';
  if (name === 'ReferenceError' || /indexedDB/i.test(message)) return 'this browser has no IndexedDB (private browsing, or an embedded view).';
  return `storage failed (${message || name || 'unknown error'}).`;
}

/**
 * The stored records that validate. A record the checks refuse for any reason is skipped and
 * counted, never thrown: one damaged record must not hide all the others.
 */
function validOnly<T>(items: T[], check: (v: T) => void): { valid: T[]; skipped: number } {
  const valid: T[] = [];
  for (const item of items) {
    try {
      check(item);
      valid.push(item);
    } catch {
      // Skipped (RecordError says why; the record stays in storage for a later version).
    }
  }
  return { valid, skipped: items.length - valid.length };
}

export function idbPersistence(db: IDBPDatabase<ReclensDB>): Persistence {
  return {
    putTable: (table) => db.add('tables', table),
    deleteTable: (key) => db.delete('tables', key),
    async listTables() {
      const tx = db.transaction('tables');
      const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      const { valid, skipped } = validOnly(
        keys.map((key, i) => ({ key, table: values[i] })),
        (e) => checkSavedTable(e.table, 'stored table'),
      );
      return { tables: valid, skipped };
    },
    putRun: async (run) => {
      await db.put('runs', run, run.id);
    },
    async deleteRun(id) {
      const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
      await Promise.all([tx.objectStore('runs').delete(id), tx.objectStore('checkpoints').delete(id), tx.done]);
    },
    async listRuns() {
      const { valid, skipped } = validOnly(await db.getAll('runs'), (r) => readRunRecord(r, 'stored run'));
      return { runs: valid, skipped };
    },
    async putRunProgress(run, checkpoint) {
      const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
      await Promise.all([tx.objectStore('runs').put(run, run.id), tx.objectStore('checkpoints').put(checkpoint, checkpoint.runId), tx.done]);
    },
    getCheckpoint: (runId) => db.get('checkpoints', runId),
    deleteCheckpoint: (runId) => db.delete('checkpoints', runId),
  };
}

type Opener = () => Promise<IDBPDatabase<ReclensDB>>;

const defaultOpener: Opener = () => {
  if (typeof indexedDB === 'undefined') throw new ReferenceError('indexedDB is not defined');
  return openDB<ReclensDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('tables', { autoIncrement: true });
        db.createObjectStore('runs');
      }
      if (oldVersion < 2) db.createObjectStore('checkpoints');
    },
  });
};

/** Opens the database, or says why it cannot be used; never throws. */
export async function openPersistence(open: Opener = defaultOpener): Promise<PersistenceHandle> {
  try {
    return { ok: true, store: idbPersistence(await open()) };
  } catch (e) {
    return { ok: false, reason: storageFailureReason(e) };
  }
}
