import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunOutcome } from '../contracts/run.ts';
import { DATASET_INDEX_VERSION } from '../data/ctr/datasetIndex.ts';
import { packCheckpoint, unpackCheckpoint } from '../workers/checkpointPacking.ts';
import type { SeqCheckpoint, SeqDatasetSummary, SeqEvent, SeqReport, SeqTrainRequest, SequenceClient } from '../workers/sequenceProtocol.ts';
import type { Persistence, SavedCheckpoint } from './persistence.ts';
import { checkRunRecord, type RunRecord } from './savedRecords.ts';
import { createSequenceController, fromSeqRecord, SEQ_RUN_KIND, toSeqRecord } from './sequenceController.ts';
import { aucLines, comparedGroups, comparisonVerdicts, runsOfDataset, sweepPoints } from './sequenceReading.ts';
import type { SeqRun } from './sequenceSlice.ts';
import { createStudioStore } from './studioStore.ts';

const SUMMARY: SeqDatasetSummary = {
  name: 'Synthetic behaviour sequences',
  rows: { train: 1000, test: 200 },
  positiveRate: 0.35,
  items: 50,
  categories: 5,
  maxHistory: 40,
  meanHistory: 30,
  bayesAuc: 0.73,
  groundTruth: { categories: ['a', 'b'], categoryIds: [1, 2], positions: 2, targets: [{ category: 'a', positives: 5, negatives: 5, mi: [0.1, 0, 0, 0.2] }] },
};

const INDEX = {
  version: DATASET_INDEX_VERSION,
  datasets: [
    {
      id: 'synthetic-sequences',
      family: 'sequence',
      tasks: ['click'],
      name: SUMMARY.name,
      description: '',
      rows: 1200,
      fields: 2,
      file: 'synthetic-sequences.csv.gz',
      bytes: 1,
      format: 'sequence-csv',
      bayesTestAuc: 0.73,
    },
  ],
};

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

/** DARE's test AUC is 0.70 + seed / 100, TWIN's 0.60 + seed / 100; 10 steps, metrics at 5 and 10. */
const aucOf = (r: SeqTrainRequest, step: number) => (r.model === 'dare' ? 0.7 : 0.6) + r.seed / 100 - (10 - step) / 100;

function finishingClient() {
  const requests: SeqTrainRequest[] = [];
  const client = {
    load: async () => ({ ok: true, summary: SUMMARY }),
    backends: async () => ({ active: 'cpu', available: [] }),
    setBackend: async () => ({ active: 'cpu', available: [] }),
    pause: () => {},
    resume: () => {},
    step: () => {},
    stop: () => {},
    async train(request: SeqTrainRequest, onEvent: (e: SeqEvent) => void): Promise<RunOutcome<SeqReport>> {
      requests.push(request);
      onEvent({ type: 'status', status: 'running' });
      onEvent({ type: 'started', backend: 'cpu', parameters: 10, stepsTotal: 10 });
      for (const step of [5, 10]) {
        onEvent({ type: 'progress', step, epoch: 0, points: [{ step, loss: 0.6 }], samplesPerSecond: 100 });
        onEvent({ type: 'metrics', point: { step, auc: aucOf(request, step), logloss: 0.6, gauc: NaN } });
        onEvent({
          type: 'snapshot',
          snapshot: {
            step,
            correlation: { learned: [[0, 1, 0.5, 0.2]], spearman: [request.model === 'dare' ? 0.8 : 0.2] },
            search: { k: 20, overlap: 0.5, miCaptured: 0.6 },
            gradient: null,
          },
        });
      }
      const report = { step: 10, testAuc: aucOf(request, 10), testLogloss: 0.6, searchMs: request.model === 'dare' ? request.attentionDim / 4 : 4 };
      onEvent({ type: 'final', report });
      onEvent({ type: 'status', status: 'done' });
      return { ok: true, status: 'done', report };
    },
  } as unknown as SequenceClient;
  return { client, requests };
}

function page(db: Persistence, client: SequenceClient) {
  const store = createStudioStore();
  const controller = createSequenceController({ client, store, persistence: Promise.resolve({ ok: true, store: db }), datasetsUrl: 'http://studio/datasets/' });
  return { store, controller };
}

describe('sequence controller, the run pipeline and the runs store', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('Compare trains TWIN and DARE for each seed through the pipeline; the runs persist and compare after a reload', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const { db, runs } = memoryDb();
    const worker = finishingClient();
    const before = page(db, worker.client);
    await before.controller.init();
    expect(before.store.getState().seqDataset.phase).toBe('ready');
    before.store.getState().setSeqForm({ seeds: 2, seed: 1 });
    await before.controller.compare();
    expect(worker.requests.map((r) => `${r.model}${r.seed}`)).toEqual(['twin1', 'dare1', 'twin2', 'dare2']);
    // Only DARE attends with its own dim.
    expect(worker.requests.filter((r) => r.model === 'twin').every((r) => r.attentionDim === r.dim)).toBe(true);
    expect([...runs.values()].filter((r) => r.kind === SEQ_RUN_KIND)).toHaveLength(4);
    expect(before.store.getState().seqQueue).toBeNull();

    const after = page(db, finishingClient().client);
    await after.controller.init();
    const shown = runsOfDataset(after.store.getState().seqRuns, SUMMARY.name);
    expect(shown.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    const groups = comparedGroups(shown);
    expect(groups.map((g) => [g.key, g.runs.length])).toEqual([
      ['twin', 2],
      ['dare-8', 2],
    ]);
    // Mean and sd over the two seeds: TWIN 0.61 and 0.62 at step 10.
    const twin = aucLines(groups)[0];
    expect(twin.label).toBe('TWIN (2 seeds)');
    expect(twin.points.at(-1)!.y).toBeCloseTo(0.615, 12);
    expect(twin.points.at(-1)!.spread).toBeCloseTo(Math.SQRT1_2 * 0.01, 12);
    const verdicts = comparisonVerdicts(groups);
    expect(verdicts.some((v) => v.startsWith('DARE attn 8/16 - TWIN, test AUC: +0.1000, larger than the seed spread'))).toBe(true);
    expect(verdicts.some((v) => v.startsWith('DARE attn 8/16 - TWIN, Spearman ρ with the ground truth: +0.600'))).toBe(true);
  });

  it('a difference from one seed is not called clear, and the sweep orders points by measured search time', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const { db } = memoryDb();
    const worker = finishingClient();
    const p = page(db, worker.client);
    await p.controller.init();
    p.store.getState().setSeqForm({ dim: 16, seeds: 1 });
    await p.controller.compare();
    await p.controller.sweep();
    expect(worker.requests.slice(2).map((r) => [r.model, r.attentionDim])).toEqual([
      ['dare', 16],
      ['dare', 8],
      ['dare', 4],
    ]);
    const groups = comparedGroups(p.store.getState().seqRuns);
    expect(comparisonVerdicts(groups).find((v) => v.startsWith('DARE attn 8/16 - TWIN, test AUC'))).toContain('from one seed, so its noise is unknown');
    expect(sweepPoints(groups).map((s) => [s.label, s.searchMs])).toEqual([
      ['DARE attn 4/16', 1],
      ['DARE attn 8/16', 2],
      ['TWIN', 4],
      ['DARE', 4],
    ]);
  });

  it('a run stored at a checkpoint comes back interrupted after a reload and resumes from it', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const { db } = memoryDb();
    const checkpoint = packCheckpoint<SeqCheckpoint>({ trainer: { at: 6 }, lossWindow: { count: 0, sum: 0 } });
    let finish: (o: RunOutcome<SeqReport>) => void = () => {};
    const requests: SeqTrainRequest[] = [];
    const hanging = {
      ...finishingClient().client,
      load: async () => ({ ok: true, summary: SUMMARY }),
      train(request: SeqTrainRequest, onEvent: (e: SeqEvent) => void) {
        requests.push(request);
        onEvent({ type: 'status', status: 'running' });
        onEvent({ type: 'progress', step: 6, epoch: 0, points: [{ step: 6, loss: 0.5 }], samplesPerSecond: 1 });
        onEvent({ type: 'checkpoint', step: 6, checkpoint });
        return new Promise<RunOutcome<SeqReport>>((resolve) => (finish = resolve));
      },
    } as unknown as SequenceClient;
    const before = page(db, hanging);
    await before.controller.init();
    void before.controller.train();
    await new Promise((r) => setTimeout(r, 10));
    expect(requests[0].checkpointEveryMs).toBeGreaterThan(0);

    const worker = finishingClient();
    const after = page(db, worker.client);
    await after.controller.init();
    const run = after.store.getState().seqRuns[0];
    expect(run).toMatchObject({ status: 'interrupted', savedStep: 6 });
    await after.controller.resumeRun(run.id);
    expect(await unpackCheckpoint(worker.requests[0].resumeFrom!)).toEqual({ trainer: { at: 6 }, lossWindow: { count: 0, sum: 0 } });
    expect(after.store.getState().seqRuns[0].status).toBe('done');
    finish({ ok: true, status: 'stopped', report: null });
  });

  it('a link naming a dropped file, which is not kept, opens the first built-in dataset', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const p = page(memoryDb().db, finishingClient().client);
    p.store.getState().setSeqForm({ datasetId: 'file' });
    await p.controller.init();
    expect(p.store.getState().seqForm.datasetId).toBe('synthetic-sequences');
    expect(p.store.getState().seqDataset).toMatchObject({ phase: 'ready', key: 'synthetic-sequences' });
  });

  it('a record survives JSON (NaN as null) and reads back the run', () => {
    const store = createStudioStore();
    const run = {
      id: 'seq-1',
      label: 'x',
      form: store.getState().seqForm,
      datasetName: 'd',
      createdAt: 1,
      status: 'done' as const,
      step: 2,
      epoch: 1,
      stepsTotal: 2,
      samplesPerSecond: 3,
      backend: 'cpu' as const,
      parameters: 4,
      losses: [{ step: 2, loss: 0.5 }],
      metrics: [{ step: 2, auc: 0.7, logloss: 0.6, gauc: NaN }],
      snapshots: [
        {
          step: 2,
          correlation: { learned: [[0, 1, NaN]], spearman: [0.5] },
          search: { k: 20, overlap: 0.5, miCaptured: NaN },
          gradient: {
            edges: [-1, 0, 1],
            counts: [1, 2],
            conflictingShare: 1 / 3,
            recentShare: 0,
            normRatio: 2,
            perCategory: [{ category: 'a', meanCosine: NaN, rows: 0 }],
          },
        },
      ],
      report: { step: 2, testAuc: 0.7, testLogloss: 0.6, searchMs: NaN },
    };
    const json = JSON.parse(JSON.stringify(toSeqRecord(run, 5))) as RunRecord;
    // A workspace file's record is checked before the view reads it.
    expect(() => checkRunRecord(json)).not.toThrow();
    const bad = structuredClone(json) as RunRecord & { config: { run: { snapshots: { gradient: { counts: unknown[] } }[] } } };
    bad.config.run.snapshots[0].gradient.counts = [1, 'two'];
    expect(() => checkRunRecord(bad)).toThrow(/count 2/);
    const back = fromSeqRecord(json);
    expect(back.snapshots[0].gradient?.counts).toEqual([1, 2]);
    expect(back.losses).toEqual(run.losses);
    expect(back.metrics).toEqual(run.metrics);
    expect(back.form).toEqual(run.form);
    expect(back.status).toBe('done');
  });

  it("a generated built-in dataset is generated in the worker at the form's users, and again when a run needs another size or a longer history", async () => {
    const generator = { seed: 15, plant: 'retrieval' as const, users: 12000 };
    const sizes = [
      { users: 3000, rows: 60000, bayesTestAuc: 0.7308 },
      { users: 12000, rows: 240000, bayesTestAuc: 0.728 },
    ];
    const index = {
      ...INDEX,
      datasets: [{ ...INDEX.datasets[0], file: '', bytes: 0, format: 'generated', rows: 240000, sequenceGenerator: generator, sizes }],
    };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(index)));
    const worker = finishingClient();
    const sources: Parameters<SequenceClient['load']>[0][] = [];
    const client = { ...worker.client, load: async (source: Parameters<SequenceClient['load']>[0]) => (sources.push(source), { ok: true, summary: SUMMARY }) };
    const p = page(memoryDb().db, client as SequenceClient);
    await p.controller.init();
    expect(p.store.getState().seqDatasets[0]).toMatchObject({ generator, sizes });
    expect(sources).toEqual([{ kind: 'generated', config: generator, keepHistory: 100, name: `${SUMMARY.name}, 12,000 users` }]);
    expect(p.store.getState().seqDataset).toMatchObject({ phase: 'ready', generated: { users: 12000, keptHistory: 100, fullHistory: 200 } });
    await p.controller.selectUsers(3000);
    expect(sources[1]).toMatchObject({ config: { ...generator, users: 3000 }, keepHistory: 100 });
    expect(p.store.getState().seqForm.users).toBe(3000);
    // A shorter history trains on what is loaded; a longer one is generated again first (at most the generator's 200).
    p.store.getState().setSeqForm({ historyLength: 50 });
    await p.controller.train();
    expect(sources).toHaveLength(2);
    p.store.getState().setSeqForm({ historyLength: 300 });
    await p.controller.train();
    expect(sources[2]).toMatchObject({ config: { users: 3000 }, keepHistory: 200 });
    expect(worker.requests.map((r) => r.historyLength)).toEqual([50, 300]);
  });

  it('a bad dropped file keeps the dataset loaded before, with the file’s error beside it', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(INDEX)));
    const worker = finishingClient();
    const error = { code: 'bad-format', message: 'bad.csv, line 3: hist_items has 2 ids, hist_categories 3.', fix: 'Fix the row.' };
    const client = {
      ...worker.client,
      load: async (source: Parameters<SequenceClient['load']>[0]) => (source.kind === 'file' ? { ok: false, error } : { ok: true, summary: SUMMARY }),
    };
    const p = page(memoryDb().db, client as SequenceClient);
    await p.controller.init();
    const before = p.store.getState();
    expect(before.seqDataset.phase).toBe('ready');
    await p.controller.pickFile(new File(['x'], 'bad.csv'));
    const after = p.store.getState();
    expect(after.seqDataset).toMatchObject({ phase: 'ready', key: before.seqDataset.key, summary: SUMMARY, error });
    expect(after.seqForm.datasetId).toBe(before.seqForm.datasetId);
    await p.controller.train();
    expect(worker.requests).toHaveLength(1);
  });

  it('a run stored before the users setting reads back at the 3,000 users it trained on', () => {
    const { users, ...form } = createStudioStore().getState().seqForm;
    expect(users).toBe(12000);
    const run = { id: 's', label: 'x', form, datasetName: 'd', createdAt: 1, status: 'done', step: 2, epoch: 1, stepsTotal: 2, samplesPerSecond: 1 };
    const record = toSeqRecord({ ...run, backend: 'cpu', parameters: 1, losses: [], metrics: [], snapshots: [], report: null } as unknown as SeqRun, 1);
    expect(fromSeqRecord(JSON.parse(JSON.stringify(record)) as RunRecord).form).toEqual({ ...form, users: 3000 });
  });
});
