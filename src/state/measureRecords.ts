/**
 * Results that are not one training run, the conflict-pair measure and the scaling queue, as
 * records of the runs store. A lesson step reads them long after they were made: a later run (a
 * later step) must not erase them, and a reload brings them back. One record per kind of result
 * (per dataset for the conflict measure): the newest replaces the one before.
 */
import type { MtlConflictResult } from '../workers/multitaskProtocol.ts';
import { RUN_RECORD_VERSION } from './runRecord.ts';
import type { RunRecord } from './savedRecords.ts';
import type { MultitaskForm } from './multitaskSlice.ts';
import type { ScalingQueue } from './trainingSlice.ts';

export const CONFLICT_RECORD_KIND = 'mtl-conflict';
export const SCALING_RECORD_KIND = 'scaling';

const conflictRecordId = (datasetId: string) => `${CONFLICT_RECORD_KIND}:${datasetId}`;
export const SCALING_RECORD_ID = `${SCALING_RECORD_KIND}:latest`;

function record(id: string, kind: string, label: string, config: Record<string, unknown>, now: number): RunRecord {
  return { version: RUN_RECORD_VERSION, id, kind, label, createdAt: now, updatedAt: now, config, metrics: [], spectra: [] };
}

/** The conflict measure of a dataset with the settings it ran with. */
export function toConflictRecord(form: MultitaskForm, result: MtlConflictResult, now = Date.now()): RunRecord {
  const { datasetId, conflictSteps, batchSize, lr, seed } = form;
  return record(
    conflictRecordId(datasetId),
    CONFLICT_RECORD_KIND,
    `Conflict pairs · ${datasetId} · seed ${seed}`,
    { datasetId, settings: { conflictSteps, batchSize, lr, seed }, result },
    now,
  );
}

/** The stored conflict measure of a dataset, or null when the list holds none that reads. */
export function conflictFromRecords(records: readonly RunRecord[], datasetId: string): MtlConflictResult | null {
  const r = records.find((x) => x.kind === CONFLICT_RECORD_KIND && x.id === conflictRecordId(datasetId));
  const result = (r?.config as { result?: MtlConflictResult } | undefined)?.result;
  return result && Array.isArray(result.models) && Array.isArray(result.tasks) ? result : null;
}

/** A finished (or cancelled, with the points it had) scaling queue. */
export function toScalingRecord(queue: ScalingQueue, now = Date.now()): RunRecord {
  const { settings, phase, total, points } = queue;
  return record(
    SCALING_RECORD_ID,
    SCALING_RECORD_KIND,
    `Scaling · ${settings.kind} · sizes ${settings.sizes.join(', ')}`,
    { settings, phase, total, points },
    now,
  );
}

/** The stored scaling queue as the store holds it, or null when there is none that reads. */
export function scalingFromRecords(records: readonly RunRecord[]): Partial<ScalingQueue> | null {
  const r = records.find((x) => x.kind === SCALING_RECORD_KIND && x.id === SCALING_RECORD_ID);
  const c = r?.config as Partial<ScalingQueue> | undefined;
  if (!c || !c.settings || !Array.isArray(c.points) || (c.phase !== 'done' && c.phase !== 'cancelled')) return null;
  const total = typeof c.total === 'number' ? c.total : c.points.length;
  return { settings: c.settings, phase: c.phase, total, index: total, points: c.points, current: '', currentAuc: NaN };
}
