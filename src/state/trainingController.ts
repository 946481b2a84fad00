/**
 * The Train view's actions, wiring the store to the training worker: the dataset, the runs (through
 * the run pipeline, runController.ts), and the view's two extras, the scaling experiment and the
 * trained tables' export. Components call these; they compute nothing.
 */
import { modelName } from '../contracts/modelNames.ts';
import { DATASET_INDEX_FILE, isSequenceFormat, parseDatasetIndex, type DatasetIndexEntry } from '../data/ctr/datasetIndex.ts';
import { PUBLISHED_TRAIN_DEFAULTS, trainDefaultsFor } from '../data/ctr/trainDefaults.ts';
import type { ModelKind } from '../contracts/modelConfig.ts';
import type { TrainerCheckpoint } from '../models/trainerCheckpoint.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import type { BackendName } from '../contracts/backend.ts';
import type { CtrRunEvent, DatasetSource, FinalReport, TrainingClient, TrainingEvent, TrainRequest } from '../workers/trainingProtocol.ts';
import type { PersistenceHandle } from './persistence.ts';
import { CHECKPOINT_EVERY_MS, createRunPipeline, restoredStatus } from './runController.ts';
import { RUN_RECORD_VERSION } from './runRecord.ts';
import { createScalingExperiment, type ScalingExperiment } from './scalingExperiment.ts';
import { createTrainedTables, type TrainedTables } from './trainedTables.ts';
import type { RunRecord } from './savedRecords.ts';
import type { StudioStore } from './studioStore.ts';
import { formOfTrainDefaults, modelConfigOf, trainConfigOf, type TrainingForm, type TrainingRun } from './trainingSlice.ts';
import { LEGACY_TRAINING_DROPOUT } from './trainingSettings.ts';

export const RUN_KIND = 'ctr-training';
/** 'dataset': the defaults the sweep chose for this dataset and model; 'published': Adam 1e-3, weight decay 1e-6, batch 2048, MLP 400-400. */
export type TrainPreset = 'dataset' | 'published';
export const FILE_DATASET = 'file';

export interface TrainingController extends ScalingExperiment, TrainedTables {
  /** Reads the dataset index, the training worker's backends and the saved runs. */
  init(): Promise<void>;
  pickDatasetFile(file: File): void;
  /** Picks a built-in dataset (or FILE_DATASET) and puts its training defaults for the form's model in the form. */
  chooseDataset(id: string): void;
  /** Picks a model and puts the dataset's training defaults for it in the form. */
  chooseModel(kind: ModelKind): void;
  /** Puts a preset's training settings in the form: the dataset's defaults, or the published setup. */
  applyTrainPreset(preset: TrainPreset): void;
  switchBackend(name: BackendName): Promise<void>;
  train(): Promise<void>;
  /** Stops loading or generating the dataset; the one loaded before stays. */
  cancelDatasetLoad(): void;
  /** Continues an interrupted run from its stored checkpoint. */
  resumeRun(id: string): Promise<void>;
  pause(): void;
  resume(): void;
  step(): void;
  stop(): void;
  deleteRun(id: string): void;
}

export interface TrainingDeps {
  client: TrainingClient;
  store: StudioStore;
  analysis: () => AnalysisClient;
  persistence: Promise<PersistenceHandle>;
  /** Base URL of public/datasets/. */
  datasetsUrl: string;
  download: (blob: Blob, name: string) => void;
}

export function runLabel(f: TrainingForm, dataset: string): string {
  const emb = f.sets > 1 ? `ME ${f.sets}x${f.dim * f.sizeMultiplier}` : `dim ${f.dim * f.sizeMultiplier}`;
  return `${modelName(f.kind)} ${emb} · ${dataset} · seed ${f.seed}`;
}

/** The store's run as the persistence layer's record (set 0's spectra; restored runs show those). */
export function toRunRecord(run: TrainingRun, now = Date.now()): RunRecord {
  const { concatSpectrum, ...final } = run.final ?? { concatSpectrum: [] };
  void concatSpectrum;
  return {
    version: RUN_RECORD_VERSION,
    id: run.id,
    kind: RUN_KIND,
    label: run.label,
    createdAt: run.createdAt,
    updatedAt: now,
    config: {
      form: run.form,
      datasetName: run.datasetName,
      parameters: run.parameters,
      backend: run.backend,
      bayesAuc: run.bayesAuc ?? null,
      final: run.final ? final : null,
      status: run.status,
      savedStep: run.savedStep ?? null,
      interaction: run.interaction,
    },
    metrics: [
      ...run.losses.map((p) => ({ step: p.step, values: { loss: p.loss } })),
      ...run.evals.filter((e) => Number.isFinite(e.auc)).map((e) => ({ step: e.step, values: { valid_auc: e.auc, valid_logloss: e.logloss } })),
    ],
    spectra: run.spectra.map((s) => ({ step: s.step, fields: s.sets[0] ?? [] })),
  };
}

/** A stored DCNv2 interaction matrix that is square over its fields (older records have none). */
function validInteraction(m: unknown): m is NonNullable<TrainingRun['interaction']> {
  if (typeof m !== 'object' || m === null) return false;
  const { fields, ia, rawIa } = m as Record<string, unknown>;
  const n = Array.isArray(fields) ? fields.length : -1;
  const row = (r: unknown) => Array.isArray(r) && r.length === n && r.every((x) => typeof x === 'number');
  return n > 0 && Array.isArray(ia) && ia.length === n && ia.every(row) && row(rawIa);
}

/** A stored run; one that was still going when it was stored (the page was reloaded or closed) comes back 'interrupted'. */
export function fromRunRecord(r: RunRecord): TrainingRun {
  const c = r.config as {
    /** Records from before the dropout setting have none: they trained with LEGACY_TRAINING_DROPOUT. */
    form: Omit<TrainingForm, 'dropout'> & { dropout?: number };
    datasetName: string;
    parameters: number;
    backend: TrainingRun['backend'];
    bayesAuc: number | null;
    final: Omit<NonNullable<TrainingRun['final']>, 'concatSpectrum'> | null;
    status: TrainingRun['status'];
    savedStep?: number | null;
    interaction?: TrainingRun['interaction'];
  };
  const restored = restoredStatus(c.status, typeof c.savedStep === 'number' ? c.savedStep : undefined);
  const losses = r.metrics.filter((m) => 'loss' in m.values).map((m) => ({ step: m.step, loss: m.values.loss }));
  const evals = r.metrics.filter((m) => 'valid_auc' in m.values).map((m) => ({ step: m.step, auc: m.values.valid_auc, logloss: m.values.valid_logloss }));
  const last = losses[losses.length - 1];
  return {
    id: r.id,
    label: r.label,
    form: { ...c.form, dropout: c.form.dropout ?? LEGACY_TRAINING_DROPOUT },
    datasetName: c.datasetName,
    createdAt: r.createdAt,
    ...restored,
    step: last?.step ?? 0,
    epoch: 0,
    stepsPerEpoch: 0,
    parameters: c.parameters,
    backend: c.backend,
    samplesPerSecond: 0,
    losses,
    evals,
    spectra: r.spectra.map((s) => ({ step: s.step, sets: [s.fields] })),
    interaction: validInteraction(c.interaction) ? c.interaction : null,
    final: c.final ? { ...c.final, concatSpectrum: [] } : null,
    ...(c.bayesAuc === null ? {} : { bayesAuc: c.bayesAuc }),
  };
}

/** Applies one worker event to a run. */
export function applyEvent(run: TrainingRun, e: TrainingEvent): Partial<TrainingRun> {
  switch (e.type) {
    case 'status':
      return { status: e.status, message: e.message };
    case 'started':
      return { parameters: e.parameters, stepsPerEpoch: e.stepsPerEpoch, backend: e.backend, ...(e.choice ? { backendChoice: e.choice } : {}) };
    case 'loss':
      return { step: e.step, epoch: e.epoch, losses: [...run.losses, ...e.points], samplesPerSecond: e.samplesPerSecond };
    case 'eval':
      return { evals: [...run.evals, { step: e.step, auc: e.auc, logloss: e.logloss }] };
    case 'spectrum':
      return { spectra: [...run.spectra.filter((s) => s.step !== e.step), { step: e.step, sets: e.sets }] };
    case 'interaction':
      return { interaction: e.matrix };
    case 'final':
      return { final: e.report, step: e.report.step };
    case 'checkpoint':
      return {};
  }
}

export function createTrainingController(deps: TrainingDeps): TrainingController {
  const { client, store } = deps;
  const state = () => store.getState();
  let nextRun = 1;

  const entryOf = (id: string): DatasetIndexEntry | undefined => state().datasetIndex.find((d) => d.id === id);

  const sourceOf = (form: TrainingForm): { key: string; source: DatasetSource; name: string } | null => {
    if (form.datasetId === FILE_DATASET) {
      const file = state().datasetFile;
      return file ? { key: `file:${file.name}:${file.size}:${file.lastModified}`, source: { kind: 'file', file, name: file.name }, name: file.name } : null;
    }
    const e = entryOf(form.datasetId);
    if (!e || e.format === 'movielens-movies' || isSequenceFormat(e.format)) return null;
    if (e.format === 'generated') return e.generator ? { key: e.id, source: { kind: 'generated', config: e.generator, name: e.id }, name: e.name } : null;
    return { key: e.id, source: { kind: 'url', url: new URL(e.file, deps.datasetsUrl).href, name: e.file, format: e.format }, name: e.name };
  };

  /** Loads the form's dataset into the worker unless it is already there. */
  async function ensureDataset(): Promise<string | null> {
    const picked = sourceOf(state().trainingForm);
    if (!picked) {
      state().setDatasetLoad({ phase: 'error', error: 'Choose a dataset (or drop a CTR file: a CSV with a label column, Criteo, Avazu, MovieLens).' });
      return null;
    }
    const load = state().datasetLoad;
    if (load.phase === 'ready' && load.key === picked.key) return picked.name;
    state().setDatasetLoad({ phase: 'loading', key: picked.key, summary: null, bytesDone: 0, bytesTotal: 0, error: null });
    const outcome = await client.load(picked.source, (p) => state().setDatasetLoad({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }));
    if (!outcome.ok && outcome.error.code === 'cancelled') {
      // The worker keeps the dataset it had, so the form goes back to saying so.
      state().setDatasetLoad(load.phase === 'ready' ? load : { phase: 'idle', key: '', summary: null, bytesDone: 0, bytesTotal: 0, error: null });
      return null;
    }
    if (!outcome.ok) {
      state().setDatasetLoad({ phase: 'error', error: `${outcome.error.message} ${outcome.error.fix}` });
      return null;
    }
    state().setDatasetLoad({ phase: 'ready', summary: outcome.summary });
    return picked.name;
  }

  const runs = createRunPipeline<TrainingRun, CtrRunEvent, TrainerCheckpoint, FinalReport>(
    {
      kind: RUN_KIND,
      get: (id) => state().trainingRuns.find((r) => r.id === id),
      update: (id, patch) => state().updateTrainingRun(id, patch),
      apply: applyEvent,
      toRecord: (run) => toRunRecord(run),
      rewind: (r, step) => ({
        step,
        losses: r.losses.filter((p) => p.step <= step),
        evals: r.evals.filter((p) => p.step <= step),
        spectra: r.spectra.filter((p) => p.step <= step),
      }),
    },
    deps,
  );

  /** Runs one training request: a new run, or `resuming` continued under its own id. */
  async function runOne(
    request: TrainRequest,
    form: TrainingForm,
    datasetName: string,
    onEvent?: (e: TrainingEvent) => void,
    resuming?: TrainingRun,
  ): Promise<TrainingRun | null> {
    const id = resuming?.id ?? `run-${Date.now().toString(36)}-${nextRun++}`;
    const bayes = form.datasetId === FILE_DATASET ? undefined : entryOf(form.datasetId)?.bayesTestAuc;
    if (resuming) {
      state().setActiveRun(id);
    } else {
      const run: TrainingRun = {
        id,
        label: runLabel(form, datasetName),
        form,
        datasetName,
        createdAt: Date.now(),
        status: 'running',
        step: 0,
        epoch: 0,
        stepsPerEpoch: 0,
        parameters: 0,
        backend: '',
        samplesPerSecond: 0,
        losses: [],
        evals: [],
        spectra: [],
        interaction: null,
        final: null,
        ...(bayes === undefined ? {} : { bayesAuc: bayes }),
      };
      state().addTrainingRun(run);
    }
    return runs.drive(id, (handle) => client.train({ ...request, checkpointEveryMs: CHECKPOINT_EVERY_MS }, handle), onEvent);
  }

  const busy = () =>
    state().trainingRuns.some((r) => r.status === 'running' || r.status === 'paused') ||
    state().scaling.phase === 'running' ||
    state().datasetLoad.phase === 'loading';
  /** The model or dataset changed since a backend was picked by hand: the next probe runs and drops the pick. */
  let changedSincePick = false;
  /** The training-shaped probe for the form's model on the loaded dataset (the worker skips it when this model and dataset were probed, or a backend was picked). */
  async function probeBackends(): Promise<void> {
    let request: TrainRequest;
    try {
      const form = state().trainingForm;
      request = { model: modelConfigOf(form), train: trainConfigOf(form), spectrumEvery: form.spectrumEvery };
    } catch {
      return;
    }
    const changed = changedSincePick;
    changedSincePick = false;
    state().setTrainingProbing(true);
    try {
      state().setTrainingBackend(await client.probeTraining(request, changed));
    } catch {
      // A probe that could not train anywhere: the run itself then says why.
    } finally {
      state().setTrainingProbing(false);
    }
  }
  /** After the model or dataset changed: probe now if that dataset is loaded, else when Train is pressed. */
  const modelOrDatasetChanged = () => {
    changedSincePick = true;
    const picked = sourceOf(state().trainingForm);
    const load = state().datasetLoad;
    if (picked && load.phase === 'ready' && load.key === picked.key && !busy()) void probeBackends();
  };

  const scaling = createScalingExperiment({ store, busy, ensureDataset, runOne, stop: () => client.stop() });
  const trainedTables = createTrainedTables(deps);

  return {
    async init() {
      // The dataset list shows as soon as it arrives; the backend probe takes seconds.
      const index = fetch(new URL(DATASET_INDEX_FILE, deps.datasetsUrl))
        .then((r) => r.json())
        .then(parseDatasetIndex)
        .then((i) => state().setDatasetIndex(i.datasets.filter((d) => d.family === 'ctr')));
      const [, backends, saved] = await Promise.allSettled([index, client.backends(), runs.listSaved()]);
      if (backends.status === 'fulfilled') state().setTrainingBackend(backends.value);
      if (saved.status === 'fulfilled') {
        const known = new Set(state().trainingRuns.map((r) => r.id));
        for (const r of saved.value.filter((x) => !known.has(x.id))) {
          const run = fromRunRecord(r);
          store.setState((s) => ({ trainingRuns: [...s.trainingRuns, run] }));
        }
        const interrupted = state().trainingRuns.filter((r) => r.status === 'interrupted' && r.savedStep !== undefined && !known.has(r.id));
        const last = interrupted[interrupted.length - 1];
        if (last) {
          state().setActiveRun(last.id);
          state().pushNotice({
            id: 'train-interrupted',
            kind: 'info',
            text: `${last.label} was interrupted at step ${last.savedStep}. Everything up to that step is restored; press "Resume from step ${last.savedStep}" to continue it.`,
          });
        }
      }
    },

    pickDatasetFile(file) {
      state().setDatasetFile(file);
      state().setTrainingForm({ datasetId: FILE_DATASET });
      // Read it now, so the form says what it found (format, header, label, bucketed columns) before a run.
      changedSincePick = true;
      void ensureDataset().then((name) => {
        if (name && !busy()) void probeBackends();
      });
    },

    chooseDataset(id) {
      state().setTrainingForm({ datasetId: id, ...formOfTrainDefaults(trainDefaultsFor(entryOf(id), state().trainingForm.kind)) });
      modelOrDatasetChanged();
    },

    chooseModel(kind) {
      state().setTrainingForm({ kind, ...formOfTrainDefaults(trainDefaultsFor(entryOf(state().trainingForm.datasetId), kind)) });
      modelOrDatasetChanged();
    },

    applyTrainPreset(preset) {
      const form = state().trainingForm;
      state().setTrainingForm(formOfTrainDefaults(preset === 'published' ? PUBLISHED_TRAIN_DEFAULTS : trainDefaultsFor(entryOf(form.datasetId), form.kind)));
    },

    async switchBackend(name) {
      if (busy()) return;
      changedSincePick = false;
      state().setTrainingBackend(await client.setBackend(name));
    },

    async train() {
      if (busy()) return;
      const form = state().trainingForm;
      let request: TrainRequest;
      try {
        request = { model: modelConfigOf(form), train: trainConfigOf(form), spectrumEvery: form.spectrumEvery };
      } catch (e) {
        state().setDatasetLoad({ phase: 'error', error: (e as Error).message });
        return;
      }
      const name = await ensureDataset();
      if (!name) return;
      // The run trains on the probe's winner: it waits for a probe in flight, or runs one for a new model or dataset.
      await probeBackends();
      await runOne(request, form, name);
      state().setTrainingBackend(await client.backends());
    },

    async resumeRun(id) {
      const run = state().trainingRuns.find((r) => r.id === id);
      if (busy() || !run || run.status !== 'interrupted') return;
      const fail = (text: string) => state().updateTrainingRun(id, () => ({ message: text }));
      const saved = await runs.storedCheckpoint(id);
      if (!saved) return fail('Its checkpoint is no longer stored, so it cannot resume; train it again from its settings.');
      if (run.form.datasetId === FILE_DATASET && state().datasetFile?.name !== run.datasetName) {
        return fail(`Drop ${run.datasetName} again to resume: dropped files are not kept across reloads.`);
      }
      state().setTrainingForm(run.form);
      let request: TrainRequest;
      try {
        request = { model: modelConfigOf(run.form), train: trainConfigOf(run.form), spectrumEvery: run.form.spectrumEvery, resumeFrom: saved.checkpoint };
      } catch (e) {
        return fail((e as Error).message);
      }
      const name = await ensureDataset();
      if (!name) return state().datasetLoad.phase === 'error' ? fail('Its dataset could not be loaded; see the message above.') : undefined;
      runs.rewind(id, saved.step);
      // A resumed run continues on the backend it ran on: another backend would give other numbers from the same checkpoint.
      if (run.backend) {
        changedSincePick = false;
        state().setTrainingBackend(await client.setBackend(run.backend));
      }
      await runOne(request, run.form, name, undefined, run);
      state().setTrainingBackend(await client.backends());
    },

    cancelDatasetLoad: () => client.cancelLoad(),
    pause: () => client.pause(),
    resume: () => client.resume(),
    step: () => client.step(),
    stop: () => client.stop(),

    ...scaling,
    ...trainedTables,

    deleteRun(id) {
      state().removeTrainingRun(id);
      void runs.deleteSaved(id);
    },
  };
}
