import { scalingFromRecords, toScalingRecord } from './measureRecords.ts';
import type { PersistenceHandle } from './persistence.ts';
import { storageFailureReason } from './persistence.ts';
import { warnNotKept } from './persistenceSync.ts';
import type { StudioStore } from './studioStore.ts';

/**
 * Keeps the scaling queue's last result across reloads: restores it into an idle queue, then
 * stores the queue each time it ends (done, or cancelled with the points it had). Its runs are
 * stored one by one already; this keeps the points a lesson reads. Returns a stop function.
 */
export async function startScalingPersistence(store: StudioStore, handle: PersistenceHandle): Promise<() => void> {
  if (!handle.ok) return () => {};
  const db = handle.store;
  try {
    const { runs } = await db.listRuns();
    const stored = scalingFromRecords(runs);
    const now = store.getState().scaling;
    if (stored && now.phase === 'idle' && now.points.length === 0) store.getState().setScaling(stored);
  } catch {
    // Nothing to restore: the queue starts empty, as it did before it was stored.
  }
  return store.subscribe((s, prev) => {
    const ended = s.scaling.phase !== prev.scaling.phase && prev.scaling.phase === 'running' && (s.scaling.phase === 'done' || s.scaling.phase === 'cancelled');
    if (ended) void db.putRun(toScalingRecord(s.scaling)).catch((e: unknown) => warnNotKept(store, storageFailureReason(e)));
  });
}
