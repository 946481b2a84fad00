/**
 * The one run loop every model family trains through, free of worker plumbing so Node tests can
 * drive it. The host loads tfjs, the backend ladder and the family's engine lazily, lets one job
 * run at a time, and steps a family's session in chunks of about 150 ms with a yield between
 * them, so pause, step and stop are handled promptly; it checkpoints on a timer and on pausing.
 * A family supplies only a RunSession: build, advance, checkpoint, restore, finish.
 */
import type { BackendName, BackendState } from '../contracts/backend.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { RunControls, RunLoopEvent, RunOptions, RunOutcome } from '../contracts/run.ts';
import { toSerializedError } from './analysisErrors.ts';

/** One run of a family, built from its request and loaded dataset; the loop drives it. */
export interface RunSession<Checkpoint, Report> {
  /** Steps done so far. */
  readonly step: number;
  /** The run reached its end (every step, or early stopping). */
  readonly done: boolean;
  /** After any restore, before the first step: announce the run and its first read-outs. */
  start(): Promise<void>;
  /** Runs up to `n` steps and emits the family's events for them; answers how many ran. `single`: one Step press while paused. */
  advance(n: number, single: boolean): Promise<number>;
  /** Brings what the run has shown up to its step before a pause or a checkpoint. */
  settle(): Promise<void>;
  checkpoint(): Promise<Checkpoint>;
  /** Continues from a checkpoint of this family (same model, dataset and batch size). */
  restore(checkpoint: Checkpoint): Promise<void>;
  /** The last read-outs once the loop ends; null for a family without a final report. */
  finish(stopped: boolean): Promise<Report | null>;
  /** Called once the run is over, whatever the outcome (frees what the family does not keep). */
  end(): void;
}

export interface RunHost<Engine> extends RunControls {
  backends(): Promise<BackendState>;
  /** Ignored while a job runs (answers the current state). */
  setBackend(name: BackendName): Promise<BackendState>;
  /** The family's tfjs side, loaded once. */
  engine(): Promise<Engine>;
  readonly busy: boolean;
  /** Runs `job` alone: while one runs, another answers BUSY. A thrown error becomes `onError`'s answer. */
  exclusive<T>(job: () => Promise<T>, onError: (error: SerializedImportError) => T): Promise<T>;
  /** The stop control was used during the current job. */
  readonly stopRequested: boolean;
  /** Opens a session and runs it to its end through the loop. */
  run<Checkpoint, Report>(
    open: (engine: Engine, backend: BackendName) => Promise<RunSession<Checkpoint, Report>>,
    options: RunOptions<Checkpoint> & { maxChunk: number },
    emit: (e: RunLoopEvent<Checkpoint, Report>) => void,
  ): Promise<RunOutcome<Report>>;
}

/** A chunk of steps aims at this long, so control messages wait at most about this much. */
const CHUNK_TARGET_MS = 150;

export const BUSY: SerializedImportError = { code: 'internal', message: 'A run is in progress.', fix: 'Stop it first.' };

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * `prepareTf` runs once before tfjs is first used (the worker points tfjs-backend-wasm at its
 * binaries there). The engine loads right after the ladder, before the first run: fetched and
 * compiled when Train was pressed, it competed with the page's first chart render for the CPU.
 */
export function createRunHost<Engine>(prepareTf: () => Promise<void>, importEngine: () => Promise<Engine>): RunHost<Engine> {
  let engine: Promise<Engine> | null = null;
  const loadEngine = () => (engine ??= importEngine());
  let ladder: Promise<typeof import('../engine/backendLadder.ts')> | null = null;
  const loadLadder = () =>
    (ladder ??= prepareTf()
      .then(() => import('../engine/backendLadder.ts'))
      .finally(() => void loadEngine().catch(() => {})));

  let running = false;
  const control = { paused: false, stop: false, pendingSteps: 0, wake: null as (() => void) | null };
  const wake = () => {
    const w = control.wake;
    control.wake = null;
    w?.();
  };
  const backends = async () => (await loadLadder()).currentBackendState();

  async function exclusive<T>(job: () => Promise<T>, onError: (error: SerializedImportError) => T): Promise<T> {
    if (running) return onError(BUSY);
    running = true;
    Object.assign(control, { paused: false, stop: false, pendingSteps: 0 });
    try {
      return await job();
    } catch (e) {
      return onError(toSerializedError(e));
    } finally {
      running = false;
    }
  }

  async function loop<Checkpoint, Report>(
    session: RunSession<Checkpoint, Report>,
    options: RunOptions<Checkpoint> & { maxChunk: number },
    emit: (e: RunLoopEvent<Checkpoint, Report>) => void,
  ): Promise<RunOutcome<Report>> {
    const checkpointEvery = options.checkpointEveryMs ?? 0;
    let lastCheckpoint = { at: performance.now(), step: session.step };
    // Awaited between chunks: no step runs while the weights and moments are read.
    const checkpoint = async () => {
      await session.settle();
      lastCheckpoint = { at: performance.now(), step: session.step };
      emit({ type: 'checkpoint', step: session.step, checkpoint: await session.checkpoint() });
    };
    // A pause pressed while the run was starting (engine, backend, first read-outs) holds.
    if (options.paused) control.paused = true;
    emit({ type: 'status', status: control.paused ? 'paused' : 'running' });
    let chunk = 1;
    while (!session.done && !control.stop) {
      if (control.paused && control.pendingSteps === 0) {
        await session.settle();
        if (checkpointEvery > 0 && lastCheckpoint.step !== session.step) await checkpoint();
        emit({ type: 'status', status: 'paused' });
        await new Promise<void>((resolve) => (control.wake = resolve));
        if (!control.paused && !control.stop) emit({ type: 'status', status: 'running' });
        continue;
      }
      const single = control.paused;
      if (single) control.pendingSteps--;
      const t0 = performance.now();
      const ran = await session.advance(single ? 1 : chunk, single);
      const ms = Math.max(1, performance.now() - t0);
      if (!single && ran > 0) chunk = Math.max(1, Math.min(options.maxChunk, Math.round((ran * CHUNK_TARGET_MS) / ms)));
      if (checkpointEvery > 0 && performance.now() - lastCheckpoint.at >= checkpointEvery && !session.done) await checkpoint();
      await nextTask();
    }
    await session.settle();
    const stopped = control.stop && !session.done;
    const report = await session.finish(stopped);
    if (report !== null) emit({ type: 'final', report });
    const status = stopped ? 'stopped' : 'done';
    emit({ type: 'status', status });
    return { ok: true, status, report };
  }

  return {
    backends,
    async setBackend(name) {
      const l = await loadLadder();
      return running ? l.currentBackendState() : l.activateBackend(name);
    },
    engine: loadEngine,
    get busy() {
      return running;
    },
    get stopRequested() {
      return control.stop;
    },
    exclusive,
    run<Checkpoint, Report>(
      open: (engine: Engine, backend: BackendName) => Promise<RunSession<Checkpoint, Report>>,
      options: RunOptions<Checkpoint> & { maxChunk: number },
      emit: (e: RunLoopEvent<Checkpoint, Report>) => void,
    ) {
      return exclusive<RunOutcome<Report>>(
        async () => {
          const m = await loadEngine();
          const state = await backends();
          const session = await open(m, state.active);
          try {
            if (options.resumeFrom) await session.restore(options.resumeFrom);
            await session.start();
            return await loop(session, options, emit);
          } finally {
            session.end();
          }
        },
        (error) => {
          emit({ type: 'status', status: 'error', message: error.message });
          return { ok: false, error };
        },
      );
    },
    pause() {
      control.paused = true;
    },
    resume() {
      control.paused = false;
      wake();
    },
    step() {
      if (!control.paused) return;
      control.pendingSteps++;
      wake();
    },
    stop() {
      control.stop = true;
      wake();
    },
  };
}
