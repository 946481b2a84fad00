import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunOutcome } from '../contracts/run.ts';
import { DATASET_INDEX_VERSION } from '../data/ctr/datasetIndex.ts';
import type { MtlConflictResult, MtlDatasetSummary, MtlEvent, MtlTrainRequest, MultitaskClient } from '../workers/multitaskProtocol.ts';
import { CONFLICT_RECORD_KIND } from './measureRecords.ts';
import { createMultitaskController, MTL_RUN_KIND } from './multitaskController.ts';
import type { Persistence, SavedCheckpoint } from './persistence.ts';
import type { RunRecord } from './savedRecords.ts';
import { createStudioStore } from './studioStore.ts';

const SUMMARY: MtlDatasetSummary = {
  name: 'Synthetic MTL (small)',
  tasks: ['click', 'like'],
  fields: [
    { name: 'user', cardinality: 4 },
    { name: 'item', cardinality: 5 },
  ],
  rows: { train: 80, valid: 10, test: 10 },
  positiveRates: [0.3, 0.05],
  comparableShare: 0.7,
  hasUserItem: true,
};

const INDEX = {
  version: DATASET_INDEX_VERSION,
  datasets: ['synthetic-mtl-small', 'synthetic-mtl-conflict'].map((id) => ({
    id,
    family: 'multitask',
    tasks: ['click', 'like'],
    name: id,
    description: '',
    rows: 100,
    fields: 2,
    file: `${id}.rlctr`,
    bytes: 1,
    format: 'rlctr',
  })),
};

const histogram = { edges: [0, 1], conflict: [1], other: [1], band: ['bottom' as const], p40: 0.4, p60: 0.6 };
const CONFLICT: MtlConflictResult = {
  tasks: ['click', 'like'],
  pairs: 40,
  conflictPairs: 12,
  steps: 60,
  models: ['shared-bottom', 'stem'].map((name, i) => ({
    name,
    tables: ['shared', 'shared'] as [string, string],
    histogramA: histogram,
    histogramB: histogram,
    joint: { xEdges: [0, 1], yEdges: [0, 1], bins: 1, counts: [1] },
    separated: i * 0.5,
  })),
};

/** IndexedDB as a map, shared by the page before and after a reload. */
function memoryDb() {
  const runs = new Map<string, RunRecord>();
  const checkpoints = new Map<string, SavedCheckpoint>();
  const db: Persistence = {
    putTable: async () => 0,
    deleteTable: async () => {},
    listTables: async () => ({ tables: [], skipped: 0 }),
    putRun: async (r) => void runs.set(r.id, structuredClone(r)),
    deleteRun: async (id) => void runs.delete(id),
    listRuns: async () => ({ runs: [...runs.values()].map((r) => structuredClone(r)), skipped: 0 }),
    putRunProgress: async (r, c) => {
      runs.set(r.id, structuredClone(r));
      checkpoints.set(c.runId, structuredClone(c));
    },
    getCheckpoint: async (id) => checkpoints.get(id),
    deleteCheckpoint: async (id) => void checkpoints.delete(id),
  };
  return { db, runs, checkpoints };
}

/**
 * A worker that keeps its side of the protocol: progress as it goes, and a checkpoint only when
 * the request asks for them (checkpointEveryMs), here every 20 steps. The run then waits, as a
 * real one does while the page is reloaded under it.
 */
function fakeClient(stepsBeforeReload: number) {
  const requests: MtlTrainRequest[] = [];
  let finish: (o: RunOutcome<never>) => void = () => {};
  let emit: (e: MtlEvent) => void = () => {};
  const client = {
    load: async () => ({ ok: true, summary: SUMMARY }),
    previewCsv: async () => ({ error: { code: 'internal', message: '', fix: '' } }),
    backends: async () => ({ active: 'cpu', available: [] }),
    setBackend: async () => ({ active: 'cpu', available: [] }),
    pause: () => {},
    resume: () => {},
    step: () => {},
    stop: () => {},
    measureConflicts: async () => ({ ok: true, result: CONFLICT }),
    async train(request: MtlTrainRequest, onEvent: (e: MtlEvent) => void) {
      requests.push(request);
      emit = onEvent;
      onEvent({ type: 'status', status: 'running' });
      onEvent({ type: 'started', tasks: SUMMARY.tasks, fields: ['user', 'item'], layers: ['bottom'], backend: 'cpu', parameters: 10 });
      for (let step = 1; step <= stepsBeforeReload; step++) {
        onEvent({ type: 'progress', step, epoch: 0, points: [{ step, losses: { adam: [0.5, 0.2], alt: [0.5, 0.2] } }], stepsPerSecond: 5 });
        if ((request.checkpointEveryMs ?? 0) > 0 && step % 20 === 0)
          onEvent({
            type: 'checkpoint',
            step,
            checkpoint: { arms: { adam: {}, alt: {} }, lossWindow: { count: 0, sums: { adam: [0, 0], alt: [0, 0] } } } as never,
          });
      }
      return new Promise<RunOutcome<never>>((resolve) => (finish = resolve));
    },
  } as unknown as MultitaskClient;
  // The loop's closing status comes last, then the result.
  const end = () => {
    emit({ type: 'status', status: 'done' });
    finish({ ok: true, status: 'done', report: null });
  };
  return { client, requests, end };
}

/** One page load: a fresh store and controller over the same stored runs. */
function page(db: Persistence, client: MultitaskClient) {
  const store = createStudioStore();
  const controller = createMultitaskController({
    client,
    store,
    persistence: Promise.resolve({ ok: true, store: db }),
    datasetsUrl: 'http://studio/datasets/',
  });
  return { store, controller };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('multi-task controller and the runs store', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('stores a running run at each checkpoint, so a reload at step 50 comes back at step 40, not at its start', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const { db, runs } = memoryDb();
    const worker = fakeClient(50);
    const before = page(db, worker.client);
    await before.controller.init();
    before.store.getState().setMtlForm({ steps: 200 });
    void before.controller.train();
    await settle();
    await settle();

    expect(worker.requests[0].checkpointEveryMs).toBeGreaterThan(0);
    const stored = [...runs.values()].filter((r) => r.kind === MTL_RUN_KIND);
    expect(stored).toHaveLength(1);
    expect((stored[0].config as { run: { status: string; savedStep: number } }).run).toMatchObject({ status: 'running', savedStep: 40 });

    // The reload: a new page over the same storage.
    const after = page(db, fakeClient(0).client);
    await after.controller.init();
    const run = after.store.getState().mtlRun;
    expect(run).toMatchObject({ status: 'interrupted', savedStep: 40 });
    expect(run?.message).toContain('Interrupted at step 40 of 200');
    worker.end();
  });

  it('keeps the conflict measure when a later run trains on its dataset, and brings both back after a reload', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const { db, runs } = memoryDb();
    const worker = fakeClient(25);
    const before = page(db, worker.client);
    before.store.getState().setMtlForm({ datasetId: 'synthetic-mtl-conflict' });
    await before.controller.init();
    // Lesson 5: step 1 measures (no run on screen yet), step 4 trains.
    await before.controller.measureConflicts();
    expect([...runs.values()].map((r) => r.kind)).toEqual([CONFLICT_RECORD_KIND]);
    const training = before.controller.train();
    await settle();
    expect(before.store.getState().mtlConflict).toMatchObject({ phase: 'done', result: CONFLICT, datasetId: 'synthetic-mtl-conflict' });
    worker.end();
    await training;
    const run = [...runs.values()].find((r) => r.kind === MTL_RUN_KIND);
    expect((run?.config as { conflict: unknown }).conflict).toEqual(CONFLICT);

    const after = page(db, fakeClient(0).client);
    after.store.getState().setMtlForm({ datasetId: 'synthetic-mtl-conflict' });
    await after.controller.init();
    expect(after.store.getState().mtlRun?.status).toBe('done');
    expect(after.store.getState().mtlConflict).toMatchObject({ phase: 'done', result: CONFLICT });

    // Another dataset has no measure: none is shown for it, and its runs do not carry this one.
    await after.controller.selectDataset('synthetic-mtl-small');
    expect(after.store.getState().mtlConflict.phase).toBe('idle');
    await after.controller.selectDataset('synthetic-mtl-conflict');
    expect(after.store.getState().mtlConflict).toMatchObject({ phase: 'done', result: CONFLICT });
  });

  it('a reload with only the measure stored (no run yet) shows the measure', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const { db } = memoryDb();
    const before = page(db, fakeClient(0).client);
    before.store.getState().setMtlForm({ datasetId: 'synthetic-mtl-conflict' });
    await before.controller.init();
    await before.controller.measureConflicts();
    const after = page(db, fakeClient(0).client);
    after.store.getState().setMtlForm({ datasetId: 'synthetic-mtl-conflict' });
    await after.controller.init();
    expect(after.store.getState().mtlRun).toBeNull();
    expect(after.store.getState().mtlConflict).toMatchObject({ phase: 'done', result: CONFLICT });
  });
});
