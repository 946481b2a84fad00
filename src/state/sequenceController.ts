/**
 * The Sequences view's actions, wiring the store to the sequence worker and, through the one run
 * pipeline (runController.ts), to the runs store in IndexedDB. A run trains one model; Compare and
 * the attention-dim sweep queue several, one after another. Components call these; they compute nothing.
 */
import { modelName } from '../contracts/modelNames.ts';
import { DATASET_INDEX_FILE, parseDatasetIndex } from '../data/ctr/datasetIndex.ts';
import type { SeqCheckpoint, SeqReport, SeqRunEvent, SeqTrainRequest, SequenceClient } from '../workers/sequenceProtocol.ts';
import type { PersistenceHandle } from './persistence.ts';
import { CHECKPOINT_EVERY_MS, createRunPipeline, restoredStatus } from './runController.ts';
import { RUN_RECORD_VERSION } from './runRecord.ts';
import type { RunRecord } from './savedRecords.ts';
import { SYNTHETIC_SEQUENCE_DEFAULTS } from '../data/sequence/syntheticSequences.ts';
import { applySeqEvent, SEQ_FILE_DATASET, type SeqDatasetEntry, type SeqDatasetState, type SeqRun, type SequenceForm } from './sequenceSlice.ts';
import { USERS_BEFORE_THE_SETTING } from './sequenceSettings.ts';
import type { StudioStore } from './studioStore.ts';

export const SEQ_RUN_KIND = 'sequence';

export interface SequenceController {
  /** Reads the dataset index and the saved runs, and loads the form's dataset. */
  init(): Promise<void>;
  selectDataset(id: string): Promise<void>;
  /** A generated dataset's number of users: generates it again. */
  selectUsers(users: number): Promise<void>;
  /** A dropped Taobao UserBehavior.csv, sequence-sample CSV or CTR CSV with a behaviour sequence: read in the worker. */
  pickFile(file: File): Promise<void>;
  /** Trains the form's model. */
  train(): Promise<void>;
  /** TWIN and DARE over the form's seeds, one run after another. */
  compare(): Promise<void>;
  /** DARE with the attention table at the embedding dim, 1/2 and 1/4 of it: search time against AUC. */
  sweep(): Promise<void>;
  /** Continues an interrupted run from its stored checkpoint, to the same curves as a run never interrupted. */
  resumeRun(id: string): Promise<void>;
  pause(): void;
  resume(): void;
  /** Stops the run (and the rest of a queue), or cancels a dataset being read. */
  stop(): void;
  deleteRun(id: string): Promise<void>;
  /** Shows this run's heatmaps and gradient read-outs. */
  focus(id: string): void;
}

export interface SequenceDeps {
  client: SequenceClient;
  store: StudioStore;
  persistence: Promise<PersistenceHandle>;
  /** Base URL of public/datasets/. */
  datasetsUrl: string;
}

export function seqRunLabel(f: SequenceForm, dataset: string): string {
  const attention = f.model === 'dare' ? ` attn ${f.attentionDim}` : '';
  return `${modelName(f.model)} · d ${f.dim}${attention} · ${dataset} · seed ${f.seed}`;
}

/** The worker request of a form: read-outs at about 20 snapshots and 10 evaluations over the run (the worker adds the ends). */
export function seqRequestOf(form: SequenceForm, stepsTotal: number): SeqTrainRequest {
  const { model, dim, attentionDim, topK, historyLength, lr, batchSize, epochs, seed } = form;
  return {
    model,
    dim,
    attentionDim: model === 'dare' ? attentionDim : dim,
    topK,
    historyLength,
    lr,
    batchSize,
    epochs,
    seed,
    snapshotEvery: Math.max(1, Math.round(stepsTotal / 20)),
    evalEvery: Math.max(1, Math.round(stepsTotal / 10)),
  };
}

const finite = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
const isLossEntry = (values: Record<string, number>) => 'loss' in values;

/** The run as a record of the runs store: settings and read-outs in its config, loss and test metrics as its metrics. */
export function toSeqRecord(run: SeqRun, now = Date.now()): RunRecord {
  const { losses, metrics, ...rest } = run;
  return {
    version: RUN_RECORD_VERSION,
    id: run.id,
    kind: SEQ_RUN_KIND,
    label: run.label,
    createdAt: run.createdAt,
    updatedAt: now,
    // A record holds no undefined (a cleared message, no checkpoint yet): it would not validate.
    config: { run: { ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), savedStep: run.savedStep ?? null } },
    metrics: [
      ...losses.map((l) => ({ step: l.step, values: finite({ loss: l.loss }) })),
      ...metrics.map((m) => ({ step: m.step, values: finite({ auc: m.auc, logloss: m.logloss, gauc: m.gauc }) })),
    ],
    spectra: [],
  };
}

/** JSON turns NaN into null; the read-outs read NaN again. */
const num = (v: unknown) => (typeof v === 'number' ? v : NaN);

/** A stored run; one stored while it was still going comes back 'interrupted', resumable from its checkpoint's step. */
export function fromSeqRecord(r: RunRecord): SeqRun {
  const { savedStep, ...run } = (r.config as { run: SeqRun & { savedStep: number | null } }).run;
  const losses = r.metrics.filter((m) => isLossEntry(m.values)).map((m) => ({ step: m.step, loss: num(m.values.loss) }));
  const metrics = r.metrics
    .filter((m) => !isLossEntry(m.values))
    .map((m) => ({ step: m.step, auc: num(m.values.auc), logloss: num(m.values.logloss), gauc: num(m.values.gauc) }));
  const restored = restoredStatus(run.status, typeof savedStep === 'number' ? savedStep : undefined);
  // Runs stored before the users setting trained on the built-in set of that time: 3,000 users.
  const form = { ...run.form, users: run.form.users ?? USERS_BEFORE_THE_SETTING };
  return { ...run, form, report: run.report ?? null, losses, metrics, ...restored };
}

let runCounter = 0;

/**
 * Steps a run of this form takes on a training split of `rows` samples: as the trainer counts them
 * (whole batches only, a batch no larger than the split), so the read-out steps asked for here are
 * the ones a resumed run (which asks with the worker's count) asks for too.
 */
export const stepsOf = (form: SequenceForm, rows: number) => form.epochs * Math.max(1, Math.floor(rows / Math.max(1, Math.min(form.batchSize, rows))));

export function createSequenceController(deps: SequenceDeps): SequenceController {
  const { client, store } = deps;
  const get = () => store.getState();
  let initialised: Promise<void> | null = null;
  /** Set by Stop: the queue ends after the run it stopped. */
  let queueStopped = false;

  const runs = createRunPipeline<SeqRun, SeqRunEvent, SeqCheckpoint, SeqReport>(
    {
      kind: SEQ_RUN_KIND,
      get: (id) => get().seqRuns.find((r) => r.id === id),
      update: (id, patch) => get().updateSeqRun(id, patch),
      apply: applySeqEvent,
      toRecord: (run) => toSeqRecord(run),
      rewind: (r, step) => ({
        step,
        losses: r.losses.filter((p) => p.step <= step),
        metrics: r.metrics.filter((p) => p.step <= step),
        snapshots: r.snapshots.filter((p) => p.step <= step),
        report: null,
      }),
    },
    deps,
  );

  /** The latest load: an earlier one's outcome (cancelled by it) is not shown. */
  let loads = 0;
  const loadDataset = async (key: string, source: Parameters<SequenceClient['load']>[0], generated: SeqDatasetState['generated'] = null) => {
    const load = ++loads;
    get().setSeqDataset({ phase: 'loading', key, error: null, summary: null, progress: null, generated });
    const outcome = await client.load(source, (p) => {
      if (load === loads) get().setSeqDataset({ progress: p });
    });
    if (load !== loads) return outcome;
    get().setSeqDataset(outcome.ok ? { phase: 'ready', summary: outcome.summary, progress: null } : { phase: 'error', error: outcome.error, progress: null });
    return outcome;
  };

  /** The behaviours a generated dataset keeps per history for `form`: its history length, at most the generator's. */
  const fullHistory = (entry: SeqDatasetEntry) => entry.generator?.maxHistory ?? SYNTHETIC_SEQUENCE_DEFAULTS.maxHistory;
  const keptFor = (entry: SeqDatasetEntry, form: SequenceForm) => Math.min(form.historyLength, fullHistory(entry));

  const loadBuiltIn = async (form: SequenceForm) => {
    const entry = get().seqDatasets.find((d) => d.id === form.datasetId);
    if (!entry) return;
    if (!entry.generator) {
      await loadDataset(entry.id, {
        kind: 'url',
        url: new URL(entry.file, deps.datasetsUrl).href,
        name: entry.name,
        ...(entry.bayesTestAuc !== undefined ? { bayesAuc: entry.bayesTestAuc } : {}),
      });
      return;
    }
    const generated = { users: form.users, keptHistory: keptFor(entry, form), fullHistory: fullHistory(entry) };
    await loadDataset(
      entry.id,
      {
        kind: 'generated',
        config: { ...entry.generator, users: form.users },
        keepHistory: generated.keptHistory,
        name: `${entry.name}, ${form.users.toLocaleString('en')} users`,
      },
      generated,
    );
  };

  /** Is the loaded dataset the one `form` trains on (a generated one at its users, keeping its history length)? */
  const loadedFor = (form: SequenceForm) => {
    const d = get().seqDataset;
    if (d.phase !== 'ready' || d.key !== form.datasetId) return false;
    const entry = get().seqDatasets.find((e) => e.id === form.datasetId);
    return d.generated === null || (entry !== undefined && d.generated.users === form.users && d.generated.keptHistory >= keptFor(entry, form));
  };

  /** Trains one run of `form` on the loaded dataset through the pipeline; false when nothing could start. */
  const trainOne = async (form: SequenceForm): Promise<boolean> => {
    // A generated dataset made for other users or a shorter history is generated again first.
    if (form.datasetId !== SEQ_FILE_DATASET && !loadedFor(form)) await loadBuiltIn(form);
    const { seqDataset } = get();
    const summary = seqDataset.summary;
    if (seqDataset.phase !== 'ready' || !summary || (form.datasetId !== SEQ_FILE_DATASET && !loadedFor(form))) return false;
    const stepsTotal = stepsOf(form, summary.rows.train);
    const run: SeqRun = {
      id: `seq-${Date.now().toString(36)}-${++runCounter}`,
      label: seqRunLabel(form, summary.name),
      form,
      datasetName: summary.name,
      ...(summary.bayesAuc !== undefined ? { bayesAuc: summary.bayesAuc } : {}),
      createdAt: Date.now(),
      status: 'loading',
      step: 0,
      epoch: 0,
      stepsTotal,
      samplesPerSecond: 0,
      backend: '',
      parameters: 0,
      losses: [],
      metrics: [],
      snapshots: [],
      report: null,
    };
    get().putSeqRun(run);
    get().setSeqFocus(run.id);
    await runs.drive(run.id, (handle) => client.train({ ...seqRequestOf(form, stepsTotal), checkpointEveryMs: CHECKPOINT_EVERY_MS }, handle));
    return true;
  };

  const queue = async (label: string, forms: SequenceForm[]) => {
    if (get().seqQueue) return;
    queueStopped = false;
    get().setSeqQueue({ label, total: forms.length, done: 0 });
    try {
      for (const [i, form] of forms.entries()) {
        if (queueStopped || !(await trainOne(form))) break;
        get().setSeqQueue({ label, total: forms.length, done: i + 1 });
      }
    } finally {
      get().setSeqQueue(null);
    }
  };

  const controller: SequenceController = {
    init() {
      initialised ??= (async () => {
        try {
          const response = await fetch(new URL(DATASET_INDEX_FILE, deps.datasetsUrl));
          const index = parseDatasetIndex(await response.json());
          get().setSeqDatasets(
            index.datasets
              .filter((d) => d.family === 'sequence')
              .map((d) => ({
                id: d.id,
                name: d.name,
                description: d.description,
                file: d.file,
                ...(d.bayesTestAuc !== undefined ? { bayesTestAuc: d.bayesTestAuc } : {}),
                ...(d.format === 'generated' && d.sequenceGenerator ? { generator: d.sequenceGenerator, sizes: d.sizes ?? [] } : {}),
              })),
          );
        } catch (e) {
          get().setSeqDataset({
            phase: 'error',
            error: { code: 'read-failed', message: `Could not read the dataset index: ${e instanceof Error ? e.message : String(e)}`, fix: 'Reload the page.' },
          });
        }
        // After a reload the stored runs are back on screen (an interrupted one says so).
        const saved = await runs.listSaved();
        for (const r of saved) if (!get().seqRuns.some((x) => x.id === r.id)) get().putSeqRun(fromSeqRecord(r));
        const id = get().seqForm.datasetId;
        const datasets = get().seqDatasets;
        // A link naming a dropped file (not kept) or an unknown dataset opens the first built-in one.
        if (id === SEQ_FILE_DATASET && get().seqDataset.file) return;
        const shown = datasets.some((d) => d.id === id) ? id : (datasets[0]?.id ?? '');
        if (shown !== id && shown !== '') get().setSeqForm({ datasetId: shown });
        await loadBuiltIn(get().seqForm);
      })();
      return initialised;
    },
    async selectDataset(id) {
      if (id === SEQ_FILE_DATASET) return;
      get().setSeqForm({ datasetId: id });
      await loadBuiltIn(get().seqForm);
    },
    async selectUsers(users) {
      get().setSeqForm({ users });
      const form = get().seqForm;
      if (form.datasetId !== SEQ_FILE_DATASET && get().seqDatasets.find((d) => d.id === form.datasetId)?.generator) await loadBuiltIn(form);
    },
    async pickFile(file) {
      const before = { datasetId: get().seqForm.datasetId, dataset: get().seqDataset };
      get().setSeqForm({ datasetId: SEQ_FILE_DATASET });
      get().setSeqDataset({ file, generated: null });
      const outcome = await loadDataset(file.name, { kind: 'file', file });
      // The worker keeps the dataset it had when a file fails (or is cancelled): so does the form, with the file's error.
      if (!outcome.ok && before.dataset.phase === 'ready' && get().seqDataset.key === file.name && get().seqDataset.phase === 'error') {
        get().setSeqForm({ datasetId: before.datasetId });
        get().setSeqDataset({ ...before.dataset, error: outcome.error });
      }
    },
    async train() {
      await queue(modelName(get().seqForm.model), [get().seqForm]);
    },
    async compare() {
      const form = get().seqForm;
      const forms = Array.from({ length: form.seeds }, (_, s) => (['twin', 'dare'] as const).map((model) => ({ ...form, model, seed: form.seed + s }))).flat();
      await queue('TWIN vs DARE', forms);
    },
    async sweep() {
      const form = get().seqForm;
      const dims = [...new Set([form.dim, Math.max(1, Math.round(form.dim / 2)), Math.max(1, Math.round(form.dim / 4))])];
      await queue(
        'attention-dim sweep',
        dims.map((attentionDim) => ({ ...form, model: 'dare' as const, attentionDim })),
      );
    },
    async resumeRun(id) {
      const old = get().seqRuns.find((r) => r.id === id);
      if (old?.status !== 'interrupted' || get().seqQueue) return;
      const fail = (message: string) => get().updateSeqRun(id, () => ({ message }));
      const saved = await runs.storedCheckpoint(id);
      if (!saved) return fail('Its checkpoint is no longer stored, so it cannot resume; train it again from its settings.');
      if (old.form.datasetId === SEQ_FILE_DATASET) return fail(`Drop ${old.datasetName} again, then train: dropped files are not kept across reloads.`);
      if (!loadedFor(old.form)) await loadBuiltIn(old.form);
      if (!loadedFor(old.form)) return fail(`Its dataset (${old.datasetName}) could not be loaded; see the message above.`);
      get().setSeqQueue({ label: 'resume', total: 1, done: 0 });
      try {
        get().setSeqFocus(id);
        runs.rewind(id, saved.step);
        await runs.drive(id, (handle) =>
          client.train({ ...seqRequestOf(old.form, old.stepsTotal), checkpointEveryMs: CHECKPOINT_EVERY_MS, resumeFrom: saved.checkpoint }, handle),
        );
      } finally {
        get().setSeqQueue(null);
      }
    },
    pause: () => client.pause(),
    resume: () => client.resume(),
    stop() {
      queueStopped = true;
      client.stop();
    },
    async deleteRun(id) {
      const run = get().seqRuns.find((r) => r.id === id);
      if (!run || run.status === 'running' || run.status === 'paused' || run.status === 'loading') return;
      get().removeSeqRun(id);
      await runs.deleteSaved(id);
    },
    focus(id) {
      get().setSeqFocus(id);
    },
  };
  return controller;
}
