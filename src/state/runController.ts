/**
 * The state side of a run, one for every model family: it streams the worker's events into the
 * store in batches (charts redraw a few times a second, not per chunk of steps), stores the run
 * with each checkpoint (every 5 s and on pause), stores it when it ends, restores stored runs
 * (one that was still going comes back 'interrupted', resumable from its last checkpoint), and
 * deletes them. A family supplies only how its run sits in the store and in a record.
 */
import type { PackedCheckpoint, RunEvent, RunLoopEvent, RunOutcome, RunStatus } from '../contracts/run.ts';
import { storageFailureReason, type PersistenceHandle } from './persistence.ts';
import { warnNotKept } from './persistenceSync.ts';
import type { RunRecord } from './savedRecords.ts';
import type { StudioStore } from './studioStore.ts';

/** Events reach the store at most this often while a run goes. */
export const EVENT_BATCH_MS = 300;
/** How often a running run is stored with a checkpoint (and on every pause). */
export const CHECKPOINT_EVERY_MS = 5000;
/** How long to wait for the closing events that travel behind the run's result. */
const LATE_EVENTS_MS = 2000;

/** What the pipeline needs of a family's run in the store. */
export interface RunLike {
  id: string;
  status: RunStatus;
  message?: string;
  /** The step of the checkpoint stored with the run; absent when none is. */
  savedStep?: number;
}

export interface RunFamilyState<Run extends RunLike, Event> {
  /** The record kind ("ctr-training", "multitask"). */
  kind: string;
  get(id: string): Run | undefined;
  update(id: string, patch: (run: Run) => Partial<Run>): void;
  /** Applies one worker event to the run (status and final included). */
  apply(run: Run, e: Event): Partial<Run>;
  toRecord(run: Run): RunRecord;
  /** Drops what was shown after `step`: it was never stored, and a resumed run draws it again. */
  rewind(run: Run, step: number): Partial<Run>;
}

export interface RunPipeline<Run extends RunLike, Event, Checkpoint, Report> {
  /**
   * Runs `start` (the client's train call) for the run `id` already in the store: batches its
   * events into the store, stores each checkpoint with the run, and stores the run when it ends.
   */
  drive(
    id: string,
    start: (onEvent: (e: RunEvent<Event, Checkpoint, Report>) => void) => Promise<RunOutcome<Report>>,
    onEvent?: (e: RunEvent<Event, Checkpoint, Report>) => void,
  ): Promise<Run | null>;
  /** The stored checkpoint of an interrupted run (plain when an earlier build stored it); null when none is stored. */
  storedCheckpoint(id: string): Promise<{ step: number; checkpoint: PackedCheckpoint<Checkpoint> | Checkpoint } | null>;
  /** Back to the checkpoint's step (anything shown after it was never stored), running again. */
  rewind(id: string, step: number): void;
  /** Stored runs of this family, oldest first. */
  listSaved(): Promise<RunRecord[]>;
  /** Stores the run as it stands in the store now (after a family's extra measure changed it), checkpoint kept. */
  saveNow(id: string): Promise<void>;
  /** One stored run of this family (to open it, or to overlay it on the open one); null when there is none. */
  getSaved(id: string): Promise<RunRecord | null>;
  deleteSaved(id: string): Promise<void>;
}

const UNFINISHED: readonly RunStatus[] = ['running', 'paused', 'loading', 'interrupted'];
/** The statuses a run loop ends on (its closing status event). */
const CLOSING: readonly RunStatus[] = ['done', 'stopped', 'error'];

/** A stored run's status: one stored while it was still going (the page was reloaded or closed) comes back 'interrupted'. */
export function restoredStatus(status: RunStatus, savedStep: number | undefined): { status: RunStatus; message?: string; savedStep?: number } {
  if (!UNFINISHED.includes(status)) return { status };
  if (savedStep === undefined) return { status: 'interrupted', message: 'Interrupted before its first checkpoint.' };
  return { status: 'interrupted', savedStep, message: `Interrupted at step ${savedStep} (the page was reloaded or closed); it can resume from there.` };
}

export function createRunPipeline<Run extends RunLike, Event extends { type: string }, Checkpoint, Report>(
  family: RunFamilyState<Run, RunEvent<Event, Checkpoint, Report>>,
  deps: { store: StudioStore; persistence: Promise<PersistenceHandle> },
): RunPipeline<Run, Event, Checkpoint, Report> {
  type Ev = RunEvent<Event, Checkpoint, Report>;
  const storage = async () => {
    const handle = await deps.persistence;
    return handle.ok ? handle.store : null;
  };
  const storageFailed = (e: unknown) => warnNotKept(deps.store, storageFailureReason(e));
  const applyAll = (id: string, events: Ev[]) => family.update(id, (r) => events.reduce((acc, e) => ({ ...acc, ...family.apply(acc, e) }), r));

  /** A finished run: its record, and no checkpoint any more. */
  const save = async (run: Run) => {
    const db = await storage();
    if (!db) return;
    await db.putRun(family.toRecord({ ...run, savedStep: undefined })).catch(storageFailed);
    await db.deleteCheckpoint(run.id).catch(() => undefined);
  };

  /** A running run up to this checkpoint, stored with it in one transaction. */
  const saveProgress = async (id: string, step: number, checkpoint: PackedCheckpoint<Checkpoint>) => {
    const db = await storage();
    const run = family.get(id);
    if (!db || !run) return;
    try {
      await db.putRunProgress(family.toRecord({ ...run, savedStep: step }), { runId: id, step, savedAt: Date.now(), checkpoint });
      family.update(id, () => ({ savedStep: step }) as Partial<Run>);
    } catch (error) {
      storageFailed(error);
    }
  };

  return {
    async drive(id, start, onEvent) {
      let queued: Ev[] = [];
      let timer: ReturnType<typeof setTimeout> | null = null;
      const flush = () => {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        const events = queued;
        queued = [];
        if (events.length > 0) applyAll(id, events);
      };
      // Checkpoints are written one after another, each with the run as it stood at that step.
      let writes = Promise.resolve();
      // Events travel on the callback's own port, so the run's result can arrive before its last
      // events. The loop's closing status is its last event: once it is here, so is every other
      // (the last progress, read-outs and final report), and the run is stored complete.
      let closedSeen = () => {};
      const closed = new Promise<void>((resolve) => (closedSeen = resolve));
      let finalArrived = false;
      const outcome = await start((e) => {
        if (e.type === 'checkpoint') {
          flush();
          const { step, checkpoint } = e as RunLoopEvent<Checkpoint, Report> & { type: 'checkpoint' };
          writes = writes.then(() => saveProgress(id, step, checkpoint));
          return;
        }
        queued.push(e);
        if (e.type === 'status' || e.type === 'final') flush();
        else timer ??= setTimeout(flush, EVENT_BATCH_MS);
        if (e.type === 'final') finalArrived = true;
        if (e.type === 'status' && CLOSING.includes((e as { status: RunStatus }).status)) closedSeen();
        onEvent?.(e);
      });
      if (outcome.ok) {
        let wait: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([closed, new Promise((resolve) => (wait = setTimeout(resolve, LATE_EVENTS_MS)))]);
        clearTimeout(wait);
        if (outcome.report !== null && !finalArrived) queued.push({ type: 'final', report: outcome.report });
      }
      flush();
      // The closing status event may still be in flight; the outcome already says how the run ended.
      if (outcome.ok) applyAll(id, [{ type: 'status', status: outcome.status }]);
      await writes;
      if (!outcome.ok) applyAll(id, [{ type: 'status', status: 'error', message: `${outcome.error.message} ${outcome.error.fix}` }]);
      const done = family.get(id);
      if (done) {
        family.update(id, () => ({ savedStep: undefined }) as Partial<Run>);
        await save(done);
      }
      return family.get(id) ?? null;
    },

    async storedCheckpoint(id) {
      const db = await storage();
      const saved = db ? await db.getCheckpoint(id).catch(() => undefined) : undefined;
      return saved ? { step: saved.step, checkpoint: saved.checkpoint as PackedCheckpoint<Checkpoint> | Checkpoint } : null;
    },

    rewind(id, step) {
      family.update(id, (r) => ({ ...family.rewind(r, step), status: 'running', message: undefined }));
    },

    async listSaved() {
      const db = await storage();
      if (!db) return [];
      const { runs } = await db.listRuns().catch(() => ({ runs: [] as RunRecord[] }));
      return runs.filter((r) => r.kind === family.kind).sort((a, b) => a.createdAt - b.createdAt);
    },

    async saveNow(id) {
      const db = await storage();
      const run = family.get(id);
      // As it stands: an interrupted run keeps its savedStep and its stored checkpoint.
      if (db && run) await db.putRun(family.toRecord(run)).catch(storageFailed);
    },

    async getSaved(id) {
      const db = await storage();
      if (!db) return null;
      const { runs } = await db.listRuns().catch(() => ({ runs: [] as RunRecord[] }));
      return runs.find((r) => r.id === id && r.kind === family.kind) ?? null;
    },

    async deleteSaved(id) {
      const db = await storage();
      if (db) await db.deleteRun(id).catch(() => undefined);
    },
  };
}
