/**
 * The Multi-task view's actions, wiring the store to the multi-task worker and to the runs store
 * in IndexedDB. Components call these; they compute nothing.
 */
import { modelName } from '../contracts/modelNames.ts';
import { DATASET_INDEX_FILE, parseDatasetIndex } from '../data/ctr/datasetIndex.ts';
import type { MtlCheckpoint, MtlConflictResult, MtlRunEvent, MtlTrainRequest, MultitaskClient } from '../workers/multitaskProtocol.ts';
import type { MtlAlternative, MtlArm } from '../contracts/multitaskConfig.ts';
import { conflictFromRecords, toConflictRecord } from './measureRecords.ts';
import { applyMtlEvent, INITIAL_MTL_CONFLICT, MTL_FILE_DATASET, type MtlConflictState, type MtlRun, type MultitaskForm } from './multitaskSlice.ts';
import { storageFailureReason, type PersistenceHandle } from './persistence.ts';
import { warnNotKept } from './persistenceSync.ts';
import { CHECKPOINT_EVERY_MS, createRunPipeline, restoredStatus } from './runController.ts';
import { RUN_RECORD_VERSION } from './runRecord.ts';
import type { RunRecord } from './savedRecords.ts';
import type { StudioStore } from './studioStore.ts';

export const MTL_RUN_KIND = 'multitask';

export interface MultitaskController {
  /** Reads the dataset index and the saved runs, and loads the form's dataset. */
  init(): Promise<void>;
  selectDataset(id: string): Promise<void>;
  /** A dropped CSV: lists its columns so the user can pick the label columns. */
  pickCsv(file: File): Promise<void>;
  loadCsv(): Promise<void>;
  train(): Promise<void>;
  /** Continues the shown interrupted run from its stored checkpoint, to the same curves as a run never interrupted. */
  resumeRun(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  measureConflicts(): Promise<void>;
  openSavedRun(id: string): Promise<void>;
  /** Draws a saved run over the shown one in the rAU-over-steps chart; null removes it. */
  overlaySavedRun(id: string | null): Promise<void>;
  deleteSavedRun(id: string): Promise<void>;
}

export interface MultitaskDeps {
  client: MultitaskClient;
  store: StudioStore;
  persistence: Promise<PersistenceHandle>;
  /** Base URL of public/datasets/. */
  datasetsUrl: string;
}

const ALT_LABELS: Record<MtlAlternative, Record<MtlArm, string>> = {
  adatask: { adam: 'Adam', alt: 'AdaTask' },
  'adatask-rmsprop': { adam: 'Adam', alt: 'AdaTask (RMSProp)' },
  'adatask-adagrad': { adam: 'Adam', alt: 'AdaTask (AdaGrad)' },
};

/** Display names of the two trainers (stable objects, so chart callbacks memoise on them). */
export const ARM_LABELS = (alternative: MtlAlternative): Record<MtlArm, string> => ALT_LABELS[alternative];

export function mtlRunLabel(f: MultitaskForm, dataset: string): string {
  return `${modelName(f.model)} · Adam vs ${ARM_LABELS(f.alternative).alt} · ${dataset} · seed ${f.seed}`;
}

/** The run (and its conflict measure) as a record of the runs store. */
export function toMtlRecord(run: MtlRun, conflict: MtlConflictResult | null, now = Date.now()): RunRecord {
  const finite = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
  return {
    version: RUN_RECORD_VERSION,
    id: run.id,
    kind: MTL_RUN_KIND,
    label: run.label,
    createdAt: run.createdAt,
    updatedAt: now,
    // A record holds no undefined (a cleared message, no checkpoint yet): it would not validate.
    config: {
      run: { ...Object.fromEntries(Object.entries(run).filter(([, v]) => v !== undefined)), losses: [], metrics: [], savedStep: run.savedStep ?? null },
      metrics: run.metrics,
      conflict,
    },
    metrics: [
      ...run.losses.map((l) => ({
        step: l.step,
        values: finite(
          Object.fromEntries(
            run.tasks.flatMap((t, k) => [
              [`adam_loss_${t}`, l.losses.adam[k]],
              [`alt_loss_${t}`, l.losses.alt[k]],
            ]),
          ),
        ),
      })),
      ...run.metrics.map((m) => ({
        step: m.step,
        values: finite(
          Object.fromEntries(
            run.tasks.flatMap((t, k) => [
              [`adam_auc_${t}`, m.all.adam[k].auc],
              [`alt_auc_${t}`, m.all.alt[k].auc],
            ]),
          ),
        ),
      })),
    ],
    spectra: [],
  };
}

const isLossEntry = (values: Record<string, number>) => Object.keys(values).some((k) => k.startsWith('adam_loss_'));

/** The worker request of a form: read-outs at about 40 snapshots and 5 evaluations over the run. */
export function mtlRequestOf(form: MultitaskForm): MtlTrainRequest {
  const { model, alternative, beta, lr, batchSize, steps, seed } = form;
  return {
    model,
    alternative,
    beta,
    lr,
    batchSize,
    steps,
    seed,
    snapshotEvery: Math.max(1, Math.round(form.steps / 40)),
    evalEvery: Math.max(5, Math.round(form.steps / 5)),
  };
}

/** A stored run; one stored while it was still going comes back 'interrupted', resumable from its checkpoint's step. */
export function fromMtlRecord(r: RunRecord): { run: MtlRun; conflict: MtlConflictResult | null } {
  const c = r.config as { run: MtlRun; metrics: MtlRun['metrics']; conflict: MtlConflictResult | null };
  const losses = r.metrics
    .filter((m) => isLossEntry(m.values))
    .map((m) => ({
      step: m.step,
      losses: { adam: c.run.tasks.map((t) => m.values[`adam_loss_${t}`] ?? NaN), alt: c.run.tasks.map((t) => m.values[`alt_loss_${t}`] ?? NaN) },
    }));
  const { savedStep, ...run } = c.run;
  const restored = restoredStatus(run.status, typeof savedStep === 'number' ? savedStep : undefined);
  if (restored.savedStep !== undefined)
    restored.message = `Interrupted at step ${restored.savedStep} of ${run.form.steps} (the page was reloaded or closed); it can resume from there.`;
  return { run: { ...run, losses, metrics: c.metrics, ...restored }, conflict: c.conflict };
}

let runCounter = 0;

export function createMultitaskController(deps: MultitaskDeps): MultitaskController {
  const { client, store } = deps;
  const get = () => store.getState();
  let initialised: Promise<void> | null = null;

  const runs = createRunPipeline<MtlRun, MtlRunEvent, MtlCheckpoint, never>(
    {
      kind: MTL_RUN_KIND,
      get: (id) => (get().mtlRun?.id === id ? (get().mtlRun ?? undefined) : undefined),
      update: (id, patch) => {
        if (get().mtlRun?.id === id) get().updateMtlRun(patch);
      },
      apply: applyMtlEvent,
      toRecord: (run) => {
        const c = get().mtlConflict;
        return toMtlRecord(run, c.datasetId === run.form.datasetId ? c.result : null);
      },
      rewind: (r, step) => ({
        step,
        losses: r.losses.filter((p) => p.step <= step),
        snapshots: r.snapshots.filter((p) => p.step <= step),
        metrics: r.metrics.filter((p) => p.step <= step),
      }),
    },
    deps,
  );

  /** The shown run as it stands now (the conflict measure's result changes it). */
  const save = async () => {
    const id = get().mtlRun?.id;
    if (!id) return;
    await runs.saveNow(id);
    await refreshSaved();
  };

  const trainThrough = async (id: string, request: MtlTrainRequest) => {
    await runs.drive(id, (handle) => client.train({ ...request, checkpointEveryMs: CHECKPOINT_EVERY_MS }, handle));
    await refreshSaved();
  };

  const refreshSaved = async () => {
    const saved = await runs.listSaved();
    get().setMtlSavedRuns(saved.reverse().map((r) => ({ id: r.id, label: r.label, createdAt: r.createdAt })));
  };

  /** The conflict measure stored for a dataset (null: none, or a dropped file, which is not kept). */
  const storedConflict = async (datasetId: string) => {
    const handle = await deps.persistence;
    if (!handle.ok || datasetId === MTL_FILE_DATASET) return null;
    const { runs: records } = await handle.store.listRuns().catch(() => ({ runs: [] as RunRecord[] }));
    return conflictFromRecords(records, datasetId);
  };
  const done = (result: MtlConflictResult, datasetId: string): MtlConflictState => ({ ...INITIAL_MTL_CONFLICT, phase: 'done', result, datasetId });

  /**
   * The conflict measure belongs to the dataset, not to a run: it stays while the form's dataset
   * is the one measured, and another dataset shows its own stored measure, if any.
   */
  const showConflictOf = async (datasetId: string) => {
    const shown = get().mtlConflict;
    if (shown.phase === 'running' || (shown.phase === 'done' && shown.datasetId === datasetId)) return;
    const stored = await storedConflict(datasetId);
    if (get().mtlConflict.phase === 'running') return;
    get().setMtlConflict(stored ? done(stored, datasetId) : INITIAL_MTL_CONFLICT);
  };

  const loadBuiltIn = async (id: string) => {
    const entry = get().mtlDatasets.find((d) => d.id === id);
    if (!entry) return;
    get().setMtlDataset({ phase: 'loading', key: id, error: null, file: null, preview: null });
    const outcome = await client.load({ kind: 'url', url: new URL(entry.file, deps.datasetsUrl).href, name: entry.name });
    if (get().mtlDataset.key !== id) return;
    get().setMtlDataset(outcome.ok ? { phase: 'ready', summary: outcome.summary } : { phase: 'error', summary: null, error: outcome.error });
  };

  const controller: MultitaskController = {
    init() {
      initialised ??= (async () => {
        try {
          const response = await fetch(new URL(DATASET_INDEX_FILE, deps.datasetsUrl));
          const index = parseDatasetIndex(await response.json());
          get().setMtlDatasets(
            index.datasets.filter((d) => d.family === 'multitask').map((d) => ({ id: d.id, name: d.name, description: d.description, file: d.file })),
          );
        } catch (e) {
          get().setMtlDataset({
            phase: 'error',
            error: { code: 'read-failed', message: `Could not read the dataset index: ${e instanceof Error ? e.message : String(e)}`, fix: 'Reload the page.' },
          });
          return;
        }
        const id = get().mtlForm.datasetId;
        await Promise.all([loadBuiltIn(get().mtlDatasets.some((d) => d.id === id) ? id : (get().mtlDatasets[0]?.id ?? '')), refreshSaved()]);
        // After a reload the newest run is back on screen (an interrupted one says so), with the dataset's conflict measure.
        const newest = get().mtlSavedRuns[0];
        if (!get().mtlRun && newest) await controller.openSavedRun(newest.id);
        await showConflictOf(get().mtlForm.datasetId);
      })();
      return initialised;
    },
    async selectDataset(id) {
      if (id === MTL_FILE_DATASET) return;
      get().setMtlForm({ datasetId: id });
      await Promise.all([loadBuiltIn(id), showConflictOf(id)]);
    },
    async pickCsv(file) {
      get().setMtlForm({ datasetId: MTL_FILE_DATASET });
      get().setMtlDataset({ phase: 'idle', key: file.name, summary: null, error: null, file, preview: null, labelColumns: [] });
      const preview = await client.previewCsv(file);
      if ('error' in preview) get().setMtlDataset({ phase: 'error', error: preview.error });
      else get().setMtlDataset({ preview, labelColumns: preview.detected });
    },
    async loadCsv() {
      const { file, labelColumns } = get().mtlDataset;
      if (!file) return;
      get().setMtlDataset({ phase: 'loading', error: null });
      const outcome = await client.load({ kind: 'csv', file, labelColumns });
      get().setMtlDataset(outcome.ok ? { phase: 'ready', summary: outcome.summary } : { phase: 'error', summary: null, error: outcome.error });
    },
    async train() {
      const { mtlForm: form, mtlDataset } = get();
      if (mtlDataset.phase !== 'ready' || !mtlDataset.summary) return;
      const run: MtlRun = {
        id: `mtl-${Date.now().toString(36)}-${++runCounter}`,
        label: mtlRunLabel(form, mtlDataset.summary.name),
        form,
        datasetName: mtlDataset.summary.name,
        createdAt: Date.now(),
        status: 'loading',
        step: 0,
        epoch: 0,
        stepsPerSecond: 0,
        backend: '',
        sharedParameters: 0,
        tasks: mtlDataset.summary.tasks,
        fields: mtlDataset.summary.fields.map((f) => f.name),
        layers: [],
        losses: [],
        snapshots: [],
        metrics: [],
      };
      get().setMtlRun(run);
      // A new run keeps the conflict measure of its dataset (a lesson's first step reads it after its last step trains).
      if (get().mtlConflict.datasetId !== form.datasetId && get().mtlConflict.phase !== 'running') get().setMtlConflict(INITIAL_MTL_CONFLICT);
      await trainThrough(run.id, mtlRequestOf(form));
    },
    async resumeRun() {
      const old = get().mtlRun;
      if (old?.status !== 'interrupted') return;
      const fail = (message: string) => get().updateMtlRun(() => ({ message }));
      const saved = await runs.storedCheckpoint(old.id);
      if (!saved) return fail('Its checkpoint is no longer stored, so it cannot resume; press Train both to train it again from its settings.');
      if (old.form.datasetId === MTL_FILE_DATASET)
        return fail(`Drop ${old.datasetName} again and load it, then press Train both: dropped files are not kept across reloads.`);
      get().setMtlForm(old.form);
      if (get().mtlDataset.key !== old.form.datasetId || get().mtlDataset.phase !== 'ready') await controller.selectDataset(old.form.datasetId);
      if (get().mtlDataset.phase !== 'ready') return fail(`Its dataset (${old.datasetName}) could not be loaded; see the message above.`);
      runs.rewind(old.id, saved.step);
      await trainThrough(old.id, { ...mtlRequestOf(old.form), resumeFrom: saved.checkpoint });
    },
    pause: () => client.pause(),
    resume: () => client.resume(),
    stop: () => client.stop(),
    async measureConflicts() {
      const { mtlForm: form, mtlDataset } = get();
      const summary = mtlDataset.summary;
      if (!summary) return;
      get().setMtlConflict({ phase: 'running', progress: null, error: null, datasetId: form.datasetId });
      const outcome = await client.measureConflicts(
        { steps: form.conflictSteps, batchSize: form.batchSize, lr: form.lr, seed: form.seed, taskA: 0, taskB: 1 },
        (p) => get().setMtlConflict({ progress: p }),
      );
      get().setMtlConflict(outcome.ok ? { phase: 'done', result: outcome.result } : { phase: 'error', error: outcome.error.message });
      if (!outcome.ok) return;
      // Stored on its own, so it comes back after a reload whether or not a run is shown.
      const handle = await deps.persistence;
      if (handle.ok && form.datasetId !== MTL_FILE_DATASET)
        await handle.store.putRun(toConflictRecord(form, outcome.result)).catch((e: unknown) => warnNotKept(store, storageFailureReason(e)));
      // The shown run of the same dataset keeps it in its record too (a workspace file carries it).
      if (get().mtlRun?.form.datasetId === form.datasetId) await save();
    },
    async openSavedRun(id) {
      const record = await runs.getSaved(id);
      if (!record) return;
      const { run, conflict } = fromMtlRecord(record);
      get().setMtlRun(run);
      if (get().mtlOverlay?.id === id) get().setMtlOverlay(null);
      if (get().mtlConflict.phase === 'running') return;
      if (conflict) get().setMtlConflict(done(conflict, run.form.datasetId));
      else await showConflictOf(run.form.datasetId);
    },
    async overlaySavedRun(id) {
      const record = id === null ? null : await runs.getSaved(id);
      get().setMtlOverlay(record ? fromMtlRecord(record).run : null);
    },
    async deleteSavedRun(id) {
      await runs.deleteSaved(id);
      if (get().mtlOverlay?.id === id) get().setMtlOverlay(null);
      await refreshSaved();
    },
  };
  return controller;
}
