import { ImportError } from '../data/importError.ts';
import type { ImportErrorCode } from '../contracts/errors.ts';
import { checkSavedTable, fromSavedTable, RecordError, toSavedTable, type RunRecord, type SavedTable } from './savedRecords.ts';
import { readRunRecord } from './runRecord.ts';
import type { LoadedTable } from '../contracts/tables.ts';

export const WORKSPACE_FORMAT = 'reclens-workspace';
export const WORKSPACE_VERSION = 1;
export const WORKSPACE_EXTENSION = '.reclens.json';
/** The largest workspace file RecLens opens: it is read and parsed whole, so this bounds memory. */
export const MAX_WORKSPACE_BYTES = 128 * 1024 * 1024;
export const MAX_WORKSPACE_TABLES = 10_000;
export const MAX_WORKSPACE_RUNS = 10_000;
/** Containers inside containers: a workspace needs ~10 levels, a run's config up to 32 of its own. */
export const MAX_WORKSPACE_DEPTH = 48;

/** One file holding a workspace: analysed tables (results, not data) and runs. */
export interface WorkspaceFile {
  format: typeof WORKSPACE_FORMAT;
  version: number;
  exportedAt: string;
  tables: SavedTable[];
  runs: RunRecord[];
}

const DAMAGED_FIX = 'Export the workspace again from the RecLens that made it; this copy was changed or damaged after export.';

/** A workspace file that cannot be opened; the message names the file and the problem, `fix` what to do. */
export class WorkspaceFileError extends ImportError {
  constructor(code: ImportErrorCode, fileName: string, why: string, fix: string) {
    super(code, `"${fileName}" is not a RecLens workspace this version can open: ${why}`, fix);
    this.name = 'WorkspaceFileError';
  }
}

export function buildWorkspace(tables: Omit<LoadedTable, 'id'>[], runs: RunRecord[], now = new Date()): WorkspaceFile {
  return {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    exportedAt: now.toISOString(),
    tables: tables.filter((t) => t.origin === 'file').map((t) => toSavedTable(t, now.getTime())),
    runs,
  };
}

/** The bytes "Export workspace" writes for these tables (examples are left out) and runs. */
export function workspaceBytes(tables: Omit<LoadedTable, 'id'>[], runs: RunRecord[], now = new Date()): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(buildWorkspace(tables, runs, now)));
}

/**
 * Exports an imported workspace again the way the studio does (its tables loaded, its runs
 * stored, then "Export workspace"). With readWorkspaceBytes, the import/export round trip a
 * fuzzer drives.
 */
export function reexportWorkspace(workspace: WorkspaceFile, now = new Date()): Uint8Array<ArrayBuffer> {
  return workspaceBytes(workspace.tables.map(fromSavedTable), workspace.runs, now);
}

const tooLarge = (fileName: string, size: number) =>
  new WorkspaceFileError(
    'too-large',
    fileName,
    `it is ${(size / 2 ** 20).toFixed(0)} MB, more than the ${MAX_WORKSPACE_BYTES / 2 ** 20} MB a workspace may be.`,
    'Export fewer tables or runs into each workspace file.',
  );

/** Refuses a file too large to open before any of it is read. */
export function checkWorkspaceSize(size: number, fileName: string): void {
  if (size > MAX_WORKSPACE_BYTES) throw tooLarge(fileName, size);
}

/**
 * The studio's import of a workspace file's bytes: size limit, UTF-8, JSON, then every field of
 * every record validated before anything is returned. Throws WorkspaceFileError (an ImportError).
 */
export function readWorkspaceBytes(bytes: Uint8Array, fileName: string): WorkspaceFile {
  checkWorkspaceSize(bytes.length, fileName);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new WorkspaceFileError('bad-header', fileName, 'it is not UTF-8 text.', DAMAGED_FIX);
  }
  return parseWorkspace(text, fileName);
}

/** Parses and validates a workspace file's text; throws WorkspaceFileError naming `fileName`. */
export function parseWorkspace(text: string, fileName: string): WorkspaceFile {
  const bad = (code: ImportErrorCode, why: string, fix = DAMAGED_FIX) => new WorkspaceFileError(code, fileName, why, fix);
  // A UTF-16 string has at most as many units as its UTF-8 bytes.
  if (text.length > MAX_WORKSPACE_BYTES) throw tooLarge(fileName, text.length);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw bad('bad-header', 'it is not valid JSON.', 'Open a file made by "Export workspace" in RecLens.');
  }
  const depth = nestingDepth(data);
  if (depth > MAX_WORKSPACE_DEPTH) throw bad('too-large', `it nests values ${depth} levels deep (a workspace needs at most ${MAX_WORKSPACE_DEPTH}).`);
  if (
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data) ||
    !Object.hasOwn(data, 'format') ||
    (data as { format: unknown }).format !== WORKSPACE_FORMAT
  ) {
    throw bad('bad-header', `it has no "format": "${WORKSPACE_FORMAT}" marker.`, 'Open a file made by "Export workspace" in RecLens.');
  }
  const w = data as Record<string, unknown>;
  if (typeof w.version !== 'number' || !Number.isInteger(w.version)) throw bad('bad-header', 'its version is missing.');
  if (w.version > WORKSPACE_VERSION) {
    throw bad(
      'bad-header',
      `it was saved by a newer RecLens (workspace v${w.version}; this one reads v${WORKSPACE_VERSION}).`,
      'Open it in the newer RecLens, or update this one.',
    );
  }
  if (w.version < 1) throw bad('bad-header', `workspace v${w.version} is not a version RecLens ever wrote.`);
  if (w.exportedAt !== undefined && (typeof w.exportedAt !== 'string' || w.exportedAt.length > 100)) throw bad('bad-header', 'its exportedAt is not a date.');
  if (!Array.isArray(w.tables)) throw bad('bad-header', 'its "tables" is not a list.');
  if (!Array.isArray(w.runs)) throw bad('bad-header', 'its "runs" is not a list.');
  if (w.tables.length > MAX_WORKSPACE_TABLES) throw bad('too-large', `it has ${w.tables.length} tables (at most ${MAX_WORKSPACE_TABLES}).`);
  if (w.runs.length > MAX_WORKSPACE_RUNS) throw bad('too-large', `it has ${w.runs.length} runs (at most ${MAX_WORKSPACE_RUNS}).`);
  try {
    const tables = w.tables.map((t, i) => checkSavedTable(t, `table ${i + 1}`));
    const runs = w.runs.map((r, i) => readRunRecord(r, `run ${i + 1}`));
    const ids = new Set<string>();
    runs.forEach((r, i) => {
      if (ids.has(r.id)) throw new RecordError('bad-header', `run ${i + 1}: id ${JSON.stringify(r.id.slice(0, 40))} is used by an earlier run`);
      ids.add(r.id);
    });
    return { format: WORKSPACE_FORMAT, version: w.version, exportedAt: typeof w.exportedAt === 'string' ? w.exportedAt : '', tables, runs };
  } catch (e) {
    if (e instanceof RecordError) throw bad(e.code, `${e.message}.`);
    throw e;
  }
}

/**
 * How deeply a parsed JSON value nests, found without recursion. Checked over the whole file before
 * any record is: a value nested 100,000 deep under a key no check reads would otherwise reach
 * JSON.stringify on the next export and overflow its stack.
 */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const todo: [unknown, number][] = [[root, 0]];
  while (todo.length > 0) {
    const [value, depth] = todo.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_WORKSPACE_DEPTH) return deepest;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (child !== null && typeof child === 'object') todo.push([child, depth + 1]);
  }
  return deepest;
}

export function workspaceFileName(now = new Date()): string {
  return `reclens-workspace-${now.toISOString().slice(0, 10)}${WORKSPACE_EXTENSION}`;
}
