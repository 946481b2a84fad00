/**
 * What every model family's run shares across the worker boundary: its status, the run events
 * the generic loop emits (a family adds its own), its outcome and the controls that steer it.
 */
import type { SerializedImportError } from './errors.ts';

/** 'interrupted' is the UI's own: a run whose page was reloaded or closed before it ended. */
export type RunStatus = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'stopped' | 'error' | 'interrupted';

/**
 * A family's checkpoint as the run loop emits it and the page stores it: its typed arrays in one
 * Blob (cloned as a handle, so the main thread never copies the weights), the rest in `layout`
 * (workers/checkpointPacking.ts).
 */
export interface PackedCheckpoint<Checkpoint> {
  packed: 1;
  layout: unknown;
  arrays: Blob;
  /** Never set: ties the packed form to its family's checkpoint type. */
  readonly unpacked?: Checkpoint;
}

/** The events the run loop emits for every family; `Checkpoint` and `Report` are the family's. */
export type RunLoopEvent<Checkpoint, Report> =
  | { type: 'status'; status: RunStatus; message?: string }
  | { type: 'checkpoint'; step: number; checkpoint: PackedCheckpoint<Checkpoint> }
  | { type: 'final'; report: Report };

/** A family's event stream: the loop's events plus the family's own (metrics, snapshots...). */
export type RunEvent<FamilyEvent, Checkpoint, Report> = RunLoopEvent<Checkpoint, Report> | FamilyEvent;

export type RunOutcome<Report> = { ok: true; status: 'done' | 'stopped'; report: Report | null } | { ok: false; error: SerializedImportError };

/** Fire-and-forget messages the loop handles between chunks of steps. */
export interface RunControls {
  pause(): void;
  resume(): void;
  /** One step while paused. */
  step(): void;
  stop(): void;
}

/** What a run request may carry for any family: start paused, continue from a checkpoint, checkpoint this often. */
export interface RunOptions<Checkpoint> {
  paused?: boolean;
  /** Packed as the loop emitted it, or plain as earlier builds stored it. */
  resumeFrom?: PackedCheckpoint<Checkpoint> | Checkpoint;
  /** Emit a checkpoint event at most this often while running, and on pausing; 0 or absent = never. */
  checkpointEveryMs?: number;
}
