/**
 * The one run loop every model family trains through, free of worker plumbing so Node tests can
 * drive it. The host loads tfjs, the backend ladder and the family's engine lazily, lets one job
 * run at a time, and steps a family's session in chunks of about 150 ms with a yield between
 * them, so pause, step and stop are handled promptly; it checkpoints on a timer and on pausing.
 * A family supplies only a RunSession: build, advance, checkpoint, restore, finish.
 */
import type { BackendName, BackendState } from '../contracts/backend.ts';
import type { TrainingWorkload } from '../engine/backendLadder.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { RunControls, RunLoopEvent, RunOptions, RunOutcome } from '../contracts/run.ts';
import { toSerializedError } from './analysisErrors.ts';
import { packCheckpoint, unpackCheckpoint } from './checkpointPacking.ts';
import { nextTask } from './nextTask.ts';

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

/** What a run's backend is chosen by: the probe of this key (model and dataset), unless the user picked one. */
export interface RunProbe {
  key: string;
  workload: () => TrainingWorkload;
}

export interface RunHost<Engine> extends RunControls {
  backends(): Promise<BackendState>;
  /** Ignored while a job runs (answers the current state). A picked backend holds until a probe of another model or dataset. */
  setBackend(name: BackendName): Promise<BackendState>;
  /**
   * Times a few real training steps on every backend and activates the fastest, unless this key
   * was probed last or a backend was picked (then answers the current state). `changed`: the
   * model or dataset changed since the pick, so the probe runs and the pick is dropped. Ignored
   * while a job runs. Backend changes run one at a time, so a run started meanwhile waits for the
   * probe and trains on its winner.
   */
  probeTraining(probe: RunProbe, changed?: boolean): Promise<BackendState>;
  /** The family's tfjs side, loaded once. */
  engine(): Promise<Engine>;
  readonly busy: boolean;
  /** Runs `job` alone: while one runs, another answers BUSY. A thrown error becomes `onError`'s answer. */
  exclusive<T>(job: () => Promise<T>, onError: (error: SerializedImportError) => T): Promise<T>;
  /** The stop control was used during the current job. */
  readonly stopRequested: boolean;
  /**
   * Opens a session and runs it to its end through the loop, on one backend: `probe` (when given
   * and no backend was picked) is run first unless its key was the last probed; no backend
   * change reaches the run until it ends.
   */
  run<Checkpoint, Report>(
    open: (engine: Engine, backend: BackendName, state: BackendState) => Promise<RunSession<Checkpoint, Report>>,
    options: RunOptions<Checkpoint> & { maxChunk: number },
    emit: (e: RunLoopEvent<Checkpoint, Report>) => void,
    probe?: RunProbe,
  ): Promise<RunOutcome<Report>>;
}

/** A chunk of steps aims at this long, so control messages wait at most about this much. */
const CHUNK_TARGET_MS = 150;

export const BUSY: SerializedImportError = { code: 'internal', message: 'A run is in progress.', fix: 'Stop it first.' };

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
  // Backend changes (probes, picks) run one after another: two probes at once switched each other's backend mid-run.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => {});
    return next;
  };
  let pinned = false;
  let probed: { key: string; state: BackendState } | null = null;
  /** The ladder's state with the last training probe and the pin. */
  const withChoice = (state: BackendState): BackendState => ({
    ...state,
    ...(probed?.state.training ? { training: probed.state.training } : {}),
    ...(pinned ? { pinned: true } : {}),
  });
  const backends = () => serial(async () => withChoice(await (await loadLadder()).currentBackendState()));
  const probeNow = async (probe: RunProbe, changed = false): Promise<BackendState> => {
    const l = await loadLadder();
    if (changed && pinned) {
      pinned = false;
      probed = null;
    }
    if (pinned || probed?.key === probe.key) return withChoice(await l.currentBackendState());
    await loadEngine();
    const state = await l.probeTraining(probe.workload());
    probed = { key: probe.key, state };
    pinned = false;
    return withChoice(state);
  };

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
    backend: BackendName,
    onBackend: () => BackendName,
  ): Promise<RunOutcome<Report>> {
    const checkpointEvery = options.checkpointEveryMs ?? 0;
    let lastCheckpoint = { at: performance.now(), step: session.step };
    // Awaited between chunks: no step runs while the weights and moments are read.
    const checkpoint = async () => {
      await session.settle();
      lastCheckpoint = { at: performance.now(), step: session.step };
      emit({ type: 'checkpoint', step: session.step, checkpoint: packCheckpoint(await session.checkpoint()) });
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
        // A stop, resume or Step pressed while the pause settled or checkpointed found no waiter to wake.
        await new Promise<void>((resolve) => {
          if (control.stop || !control.paused || control.pendingSteps > 0) resolve();
          else control.wake = resolve;
        });
        if (!control.paused && !control.stop) emit({ type: 'status', status: 'running' });
        continue;
      }
      const single = control.paused;
      if (single) control.pendingSteps--;
      const t0 = performance.now();
      const ran = await session.advance(single ? 1 : chunk, single);
      const ms = Math.max(1, performance.now() - t0);
      // One backend per run: a change would make the same seed give other numbers.
      if (onBackend() !== backend) throw new Error(`the backend changed from ${backend} to ${onBackend()} during the run`);
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
    setBackend(name) {
      if (running) return backends();
      return serial(async () => {
        const state = await (await loadLadder()).activateBackend(name);
        pinned = state.active === name;
        return withChoice(state);
      });
    },
    probeTraining(probe, changed) {
      if (running) return backends();
      return serial(() => probeNow(probe, changed));
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
      open: (engine: Engine, backend: BackendName, state: BackendState) => Promise<RunSession<Checkpoint, Report>>,
      options: RunOptions<Checkpoint> & { maxChunk: number },
      emit: (e: RunLoopEvent<Checkpoint, Report>) => void,
      probe?: RunProbe,
    ) {
      return exclusive<RunOutcome<Report>>(
        async () => {
          const m = await loadEngine();
          // Waits for any probe or pick in flight; then nothing changes the backend until the run ends (running refuses it).
          const state = await serial(async () => (probe ? probeNow(probe) : withChoice(await (await loadLadder()).currentBackendState())));
          const l = await loadLadder();
          const session = await open(m, state.active, state);
          try {
            if (options.resumeFrom) await session.restore(await unpackCheckpoint(options.resumeFrom));
            await session.start();
            return await loop(session, options, emit, state.active, l.activeBackend);
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
