import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent, RunOutcome } from '../contracts/run.ts';
import { packCheckpoint } from '../workers/checkpointPacking.ts';
import type { Persistence, SavedCheckpoint } from './persistence.ts';
import { createRunPipeline, EVENT_BATCH_MS, type RunLike } from './runController.ts';
import type { RunRecord } from './savedRecords.ts';
import { createStudioStore } from './studioStore.ts';

/** A family as small as one can be: a run that counts steps and keeps its loss points. */
interface ToyRun extends RunLike {
  step: number;
  points: number[];
  report?: string;
}
type ToyEvent = { type: 'progress'; step: number };
type ToyEvents = RunEvent<ToyEvent, { weights: number[] }, string>;

/** Runs of one page: what is in the store, and what is in IndexedDB. */
function setup() {
  const runs = new Map<string, ToyRun>();
  const stored = new Map<string, RunRecord>();
  const checkpoints = new Map<string, SavedCheckpoint>();
  const updates: string[] = [];
  const persistence: Persistence = {
    putTable: async () => 0,
    deleteTable: async () => {},
    listTables: async () => ({ tables: [], skipped: 0 }),
    putRun: async (r) => void stored.set(r.id, structuredClone(r)),
    deleteRun: async (id) => {
      stored.delete(id);
      checkpoints.delete(id);
    },
    listRuns: async () => ({ runs: [...stored.values()], skipped: 0 }),
    putRunProgress: async (r, c) => {
      stored.set(r.id, structuredClone(r));
      checkpoints.set(c.runId, structuredClone(c));
    },
    getCheckpoint: async (id) => checkpoints.get(id),
    deleteCheckpoint: async (id) => void checkpoints.delete(id),
  };
  const toRecord = (run: ToyRun): RunRecord => ({
    id: run.id,
    kind: 'toy',
    label: run.id,
    createdAt: 1,
    updatedAt: 2,
    config: { status: run.status, savedStep: run.savedStep ?? null, step: run.step },
    metrics: run.points.map((p, i) => ({ step: i + 1, values: { loss: p } })),
    spectra: [],
  });
  const pipeline = createRunPipeline<ToyRun, ToyEvent, { weights: number[] }, string>(
    {
      kind: 'toy',
      get: (id) => runs.get(id),
      update: (id, patch) => {
        const run = runs.get(id);
        if (!run) return;
        updates.push(id);
        runs.set(id, { ...run, ...patch(run) });
      },
      apply: (run, e) => {
        switch (e.type) {
          case 'status':
            return { status: e.status, message: e.message };
          case 'progress':
            return { step: e.step, points: [...run.points, e.step / 10] };
          case 'final':
            return { report: e.report };
          case 'checkpoint':
            return {};
        }
      },
      toRecord,
      rewind: (run, step) => ({ step, points: run.points.slice(0, step) }),
    },
    { store: createStudioStore(), persistence: Promise.resolve({ ok: true, store: persistence }) },
  );
  const add = (id: string) => runs.set(id, { id, status: 'running', step: 0, points: [] });
  return { runs, stored, checkpoints, updates, pipeline, add };
}

/** A fake client's train call: the test emits events through `emit` and ends the run with `finish`. */
function fakeTrain() {
  let emit: (e: ToyEvents) => void = () => {};
  let finish: (o: RunOutcome<string>) => void = () => {};
  const start = (onEvent: (e: ToyEvents) => void) => {
    emit = onEvent;
    return new Promise<RunOutcome<string>>((resolve) => (finish = resolve));
  };
  return {
    start,
    emit: (e: ToyEvents) => emit(e),
    /** As the run loop ends: its closing status event, then its result. */
    finish: (o: RunOutcome<string>) => {
      if (o.ok) emit({ type: 'status', status: o.status });
      finish(o);
    },
    /** The result alone: the events behind it are still on their way. */
    resolve: (o: RunOutcome<string>) => finish(o),
  };
}

const flushPromises = () => vi.advanceTimersByTimeAsync(0);

describe('run pipeline (fake client, in-memory storage)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('batches progress into one store update per 300 ms; status and the end apply at once', async () => {
    const t = setup();
    t.add('a');
    const client = fakeTrain();
    const driven = t.pipeline.drive('a', client.start);
    await flushPromises();
    for (let step = 1; step <= 5; step++) client.emit({ type: 'progress', step });
    expect(t.runs.get('a')!.step).toBe(0);
    await vi.advanceTimersByTimeAsync(EVENT_BATCH_MS - 1);
    expect(t.updates).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.updates).toHaveLength(1);
    expect(t.runs.get('a')).toMatchObject({ step: 5, points: [0.1, 0.2, 0.3, 0.4, 0.5] });

    client.emit({ type: 'progress', step: 6 });
    client.emit({ type: 'status', status: 'paused' });
    expect(t.runs.get('a')).toMatchObject({ step: 6, status: 'paused' });
    client.emit({ type: 'final', report: 'test AUC 0.7' });
    client.finish({ ok: true, status: 'done', report: 'test AUC 0.7' });
    const done = await driven;
    expect(done).toMatchObject({ status: 'done', report: 'test AUC 0.7', step: 6 });
    expect(t.stored.get('a')?.config).toMatchObject({ status: 'done', savedStep: null });
  });

  it('stores the run with each checkpoint (as it stood at that step), and drops the checkpoint when the run ends', async () => {
    const t = setup();
    t.add('a');
    const client = fakeTrain();
    const driven = t.pipeline.drive('a', client.start);
    await flushPromises();
    client.emit({ type: 'progress', step: 3 });
    // Pausing: the loop settles and checkpoints; the queued progress reaches the store first.
    const checkpoint = packCheckpoint({ weights: [1, 2, 3] });
    client.emit({ type: 'checkpoint', step: 3, checkpoint });
    client.emit({ type: 'status', status: 'paused' });
    await flushPromises();
    expect(t.checkpoints.get('a')).toMatchObject({ step: 3, checkpoint });
    expect(t.stored.get('a')?.config).toMatchObject({ savedStep: 3, step: 3 });
    expect(t.runs.get('a')).toMatchObject({ savedStep: 3, status: 'paused' });

    client.finish({ ok: true, status: 'stopped', report: null });
    await driven;
    expect(t.checkpoints.has('a')).toBe(false);
    expect(t.stored.get('a')?.config).toMatchObject({ status: 'stopped', savedStep: null });
  });

  it('an interrupted run resumes from its stored checkpoint: rewound to its step, then driven on under its own id', async () => {
    const t = setup();
    t.runs.set('a', { id: 'a', status: 'interrupted', step: 5, points: [0.1, 0.2, 0.3, 0.4, 0.5], savedStep: 3 });
    t.checkpoints.set('a', { runId: 'a', step: 3, savedAt: 1, checkpoint: { weights: [7] } });
    const saved = await t.pipeline.storedCheckpoint('a');
    expect(saved).toEqual({ step: 3, checkpoint: { weights: [7] } });
    t.pipeline.rewind('a', saved!.step);
    expect(t.runs.get('a')).toMatchObject({ status: 'running', step: 3, points: [0.1, 0.2, 0.3] });

    const client = fakeTrain();
    const driven = t.pipeline.drive('a', client.start);
    await flushPromises();
    client.emit({ type: 'progress', step: 4 });
    client.finish({ ok: true, status: 'done', report: null });
    expect(await driven).toMatchObject({ id: 'a', status: 'done', step: 4, points: [0.1, 0.2, 0.3, 0.4] });
    expect(await t.pipeline.storedCheckpoint('a')).toBeNull();
  });

  it('stores a run with the events that travel behind its result, up to the closing status', async () => {
    const t = setup();
    t.add('a');
    const client = fakeTrain();
    const driven = t.pipeline.drive('a', client.start);
    await flushPromises();
    for (let step = 1; step <= 3; step++) client.emit({ type: 'progress', step });
    // The result overtakes the last steps (no final report to wait for, as in a multi-task run).
    client.resolve({ ok: true, status: 'done', report: null });
    await flushPromises();
    expect(t.stored.has('a')).toBe(false);
    for (let step = 4; step <= 5; step++) client.emit({ type: 'progress', step });
    client.emit({ type: 'status', status: 'done' });
    expect(await driven).toMatchObject({ status: 'done', step: 5 });
    expect(t.stored.get('a')?.config).toMatchObject({ status: 'done', step: 5 });
    expect(t.stored.get('a')?.metrics).toHaveLength(5);

    // A closing status that never comes holds the store for at most a moment.
    t.add('b');
    const lost = fakeTrain();
    const drivenB = t.pipeline.drive('b', lost.start);
    await flushPromises();
    lost.resolve({ ok: true, status: 'done', report: null });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await drivenB).toMatchObject({ status: 'done' });
    expect(t.stored.get('b')?.config).toMatchObject({ status: 'done' });
  });

  it('a failed run says why; listing and deleting touch only this family', async () => {
    const t = setup();
    t.add('a');
    const client = fakeTrain();
    const driven = t.pipeline.drive('a', client.start);
    await flushPromises();
    client.finish({ ok: false, error: { code: 'internal', message: 'A run is in progress.', fix: 'Stop it first.' } });
    expect(await driven).toMatchObject({ status: 'error', message: 'A run is in progress. Stop it first.' });

    t.stored.set('other', { id: 'other', kind: 'ctr-training', label: '', createdAt: 0, updatedAt: 0, config: {}, metrics: [], spectra: [] });
    expect((await t.pipeline.listSaved()).map((r) => r.id)).toEqual(['a']);
    await t.pipeline.deleteSaved('a');
    expect([...t.stored.keys()]).toEqual(['other']);
  });

  it('stores a run as it stands after an extra measure, an interrupted one keeping its checkpoint; reads one stored run back', async () => {
    const t = setup();
    t.runs.set('a', { id: 'a', status: 'interrupted', step: 5, points: [0.1], savedStep: 3 });
    t.checkpoints.set('a', { runId: 'a', step: 3, savedAt: 1, checkpoint: { weights: [7] } });
    await t.pipeline.saveNow('a');
    expect(t.stored.get('a')?.config).toMatchObject({ status: 'interrupted', savedStep: 3 });
    expect(await t.pipeline.storedCheckpoint('a')).toEqual({ step: 3, checkpoint: { weights: [7] } });
    expect((await t.pipeline.getSaved('a'))?.id).toBe('a');
    t.stored.set('other', { id: 'other', kind: 'ctr-training', label: '', createdAt: 0, updatedAt: 0, config: {}, metrics: [], spectra: [] });
    expect(await t.pipeline.getSaved('other')).toBeNull();
  });
});
