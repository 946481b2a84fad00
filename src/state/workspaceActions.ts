import type { PersistenceHandle } from './persistence.ts';
import { storageFailureReason } from './persistence.ts';
import { warnNotKept } from './persistenceSync.ts';
import { fromSavedTable } from './savedRecords.ts';
import type { StudioStore } from './studioStore.ts';
import { checkWorkspaceSize, readWorkspaceBytes, WorkspaceFileError, workspaceBytes, workspaceFileName, type WorkspaceFile } from './workspaceFile.ts';

export const WORKSPACE_NOTICE_ID = 'workspace';

export interface WorkspaceActions {
  /** The whole workspace as one .reclens.json file. */
  exportWorkspace(): Promise<{ blob: Blob; filename: string }>;
  /**
   * Adds a workspace file's tables and runs to what is loaded. Every record is validated before
   * anything is added, so a bad file changes nothing; a stored run with the same id is kept.
   */
  importWorkspace(file: File): Promise<void>;
  /** Removes uploaded tables and stored runs (the examples stay). */
  clearWorkspace(): Promise<void>;
}

export function createWorkspaceActions(store: StudioStore, persistence: Promise<PersistenceHandle>): WorkspaceActions {
  const notice = (kind: 'info' | 'warning', text: string) => store.getState().pushNotice({ id: WORKSPACE_NOTICE_ID, kind, text });
  const runsStore = async () => {
    const h = await persistence;
    return h.ok ? h.store : null;
  };

  return {
    async exportWorkspace() {
      const db = await runsStore();
      const runs = db ? (await db.listRuns().catch(() => ({ runs: [] }))).runs : [];
      return { blob: new Blob([workspaceBytes(store.getState().tables, runs)], { type: 'application/json' }), filename: workspaceFileName() };
    },

    async importWorkspace(file) {
      let workspace: WorkspaceFile;
      try {
        checkWorkspaceSize(file.size, file.name);
        workspace = readWorkspaceBytes(new Uint8Array(await file.arrayBuffer()), file.name);
      } catch (e) {
        const text =
          e instanceof WorkspaceFileError ? `${e.message} ${e.fix}` : `"${file.name}" could not be read: ${e instanceof Error ? e.message : String(e)}`;
        notice('warning', `${text} Nothing loaded was changed.`);
        return;
      }
      const db = await runsStore();
      // A run already stored under the same id stays as it is: an import never overwrites.
      const stored = db ? new Set((await db.listRuns().catch(() => ({ runs: [] }))).runs.map((r) => r.id)) : new Set<string>();
      const newRuns = workspace.runs.filter((r) => !stored.has(r.id));
      for (const t of workspace.tables) store.getState().addTable(fromSavedTable(t));
      if (db) {
        try {
          for (const r of newRuns) await db.putRun(r);
        } catch (e) {
          warnNotKept(store, storageFailureReason(e));
        }
      }
      const n = workspace.tables.length;
      const m = newRuns.length;
      const kept = workspace.runs.length - m;
      const keptNote = kept > 0 ? ` ${kept} run${kept === 1 ? ' was' : 's were'} already here and kept as ${kept === 1 ? 'it was' : 'they were'}.` : '';
      notice('info', `Imported "${file.name}": ${n} table${n === 1 ? '' : 's'}, ${m} run${m === 1 ? '' : 's'}.${keptNote}`);
    },

    async clearWorkspace() {
      const s = store.getState();
      for (const t of s.tables) if (t.origin === 'file') s.removeTable(t.id);
      const db = await runsStore();
      if (!db) return;
      try {
        for (const r of (await db.listRuns()).runs) await db.deleteRun(r.id);
      } catch (e) {
        warnNotKept(store, storageFailureReason(e));
      }
    },
  };
}
