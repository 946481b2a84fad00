import { checkRunRecord, checkSavedTable, RecordError, toSavedTable, type RunRecord, type SavedTable } from './savedRecords.ts';
import type { LoadedTable } from './studioStore.ts';

export const WORKSPACE_FORMAT = 'reclens-workspace';
export const WORKSPACE_VERSION = 1;
export const WORKSPACE_EXTENSION = '.reclens.json';

/** One file holding a workspace: analysed tables (results, not data) and runs. */
export interface WorkspaceFile {
  format: typeof WORKSPACE_FORMAT;
  version: number;
  exportedAt: string;
  tables: SavedTable[];
  runs: RunRecord[];
}

/** A workspace file that cannot be opened; the message names the file and the problem. */
export class WorkspaceFileError extends Error {}

export function buildWorkspace(tables: Omit<LoadedTable, 'id'>[], runs: RunRecord[], now = new Date()): WorkspaceFile {
  return {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    exportedAt: now.toISOString(),
    tables: tables.filter((t) => t.origin === 'file').map((t) => toSavedTable(t, now.getTime())),
    runs,
  };
}

/** Parses and validates a workspace file's text; throws WorkspaceFileError naming `fileName`. */
export function parseWorkspace(text: string, fileName: string): WorkspaceFile {
  const bad = (why: string) => new WorkspaceFileError(`"${fileName}" is not a RecLens workspace this version can open: ${why}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw bad('it is not valid JSON.');
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== WORKSPACE_FORMAT) {
    throw bad(`it has no "format": "${WORKSPACE_FORMAT}" marker (export a workspace from the Workspace menu).`);
  }
  const w = data as Record<string, unknown>;
  if (typeof w.version !== 'number' || !Number.isInteger(w.version)) throw bad('its version is missing.');
  if (w.version > WORKSPACE_VERSION) throw bad(`it was saved by a newer RecLens (workspace v${w.version}; this one reads v${WORKSPACE_VERSION}).`);
  if (w.version < 1) throw bad(`workspace v${w.version} is not a version RecLens ever wrote.`);
  try {
    if (!Array.isArray(w.tables)) throw new RecordError('tables should be a list');
    if (!Array.isArray(w.runs)) throw new RecordError('runs should be a list');
    return {
      format: WORKSPACE_FORMAT,
      version: w.version,
      exportedAt: typeof w.exportedAt === 'string' ? w.exportedAt : '',
      tables: w.tables.map((t, i) => checkSavedTable(t, `tables[${i}]`)),
      runs: w.runs.map((r, i) => checkRunRecord(r, `runs[${i}]`)),
    };
  } catch (e) {
    if (e instanceof RecordError) throw bad(`${e.message}.`);
    throw e;
  }
}

export function workspaceFileName(now = new Date()): string {
  return `reclens-workspace-${now.toISOString().slice(0, 10)}${WORKSPACE_EXTENSION}`;
}
