/**
 * The stored run record's version and its migrations: a record saved by an older build (IndexedDB
 * or a workspace file) is validated, then brought up to the current version step by step, so the
 * views only ever read the current shape. A record from a newer build is refused, not guessed at.
 */
import { checkRunRecord, RecordError, type RunRecord } from './savedRecords.ts';

/**
 * 1: the records of builds before versioning (no `version` field).
 * 2: a multi-task run keeps `savedStep` (the step of its stored checkpoint) like a CTR run.
 */
export const RUN_RECORD_VERSION = 2;

type Migration = (r: RunRecord) => RunRecord;

/** MIGRATIONS[v - 1] turns a version-v record into a version v + 1 one. */
const MIGRATIONS: readonly Migration[] = [
  // Version 1 multi-task runs were never checkpointed: an unfinished one has no step to resume from.
  (r) => {
    if (r.kind !== 'multitask') return { ...r, version: 2 };
    const config = r.config as { run: Record<string, unknown> };
    return { ...r, version: 2, config: { ...r.config, run: { ...config.run, savedStep: null } } };
  },
];

export function recordVersion(r: RunRecord): number {
  return r.version ?? 1;
}

/** Validates a stored record and migrates it to RUN_RECORD_VERSION; `where` names it in errors. */
export function readRunRecord(v: unknown, where = 'run'): RunRecord {
  let r = checkRunRecord(v, where);
  const version = recordVersion(r);
  if (!Number.isInteger(version) || version < 1) throw new RecordError('bad-header', `${where}: version ${String(version)} is not a record version`);
  if (version > RUN_RECORD_VERSION)
    throw new RecordError('unsupported-format', `${where}: version ${version} was saved by a newer RecLens (this one reads up to ${RUN_RECORD_VERSION})`);
  for (let at = version; at < RUN_RECORD_VERSION; at++) r = MIGRATIONS[at - 1](r);
  return r;
}
