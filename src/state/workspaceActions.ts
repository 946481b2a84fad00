import type { PersistenceHandle } from './persistence.ts';
import { storageFailureReason } from './persistence.ts';
import { warnNotKept } from './persistenceSync.ts';
import { fromSavedTable } from './savedRecords.ts';
import type { StudioStore } from './studioStore.ts';
import { buildWorkspace, parseWorkspace, WorkspaceFileError, workspaceFileName } from './workspaceFile.ts';

export const WORKSPACE_NOTICE_ID = 'workspace';

export interface WorkspaceActions {
  /** The whole workspace as one .reclens.json file. */
  exportWorkspace(): Promise<{ blob: Blob; filename: string }>;
  /** Adds a workspace file's tables and runs to what is loaded; a bad file changes nothing. */
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
      const workspace = buildWorkspace(store.getState().tables, runs);
      return { blob: new Blob([JSON.stringify(workspace)], { type: 'application/json' }), filename: workspaceFileName() };
    },

    async importWorkspace(file) {
      let workspace;
      try {
        workspace = parseWorkspace(await file.text(), file.name);
      } catch (e) {
        const text = e instanceof WorkspaceFileError ? e.message : `"${file.name}" could not be read: ${e instanceof Error ? e.message : String(e)}`;
        notice('warning', `${text} Nothing loaded was changed.`);
        return;
      }
      for (const t of workspace.tables) store.getState().addTable(fromSavedTable(t));
      const db = await runsStore();
      if (db) {
        try {
          for (const r of workspace.runs) await db.putRun(r);
        } catch (e) {
          warnNotKept(store, storageFailureReason(e));
        }
      }
      const n = workspace.tables.length;
      const m = workspace.runs.length;
      notice('info', `Imported "${file.name}": ${n} table${n === 1 ? '' : 's'}, ${m} run${m === 1 ? '' : 's'}.`);
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
