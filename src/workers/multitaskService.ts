/**
 * What the multi-task worker does, free of worker plumbing so Node tests can drive it: load a
 * multi-task dataset, train one model twice on the same data and seed (Adam and an AdaTask form,
 * stepped alternately) in short chunks with a yield between them (so pause and stop are prompt),
 * and stream metrics and diagnostics; and RecScope's conflict-pair measure on small models.
 */
import type { CtrDataset } from '../data/ctr/ctrDataset.ts';
import { fetchCtrDataset } from '../data/ctr/datasetIndex.ts';
import { ImportError, type SerializedImportError } from '../data/importError.ts';
import { comparableMask } from '../data/mtl/comparable.ts';
import { detectLabelColumns, parseMtlCsv } from '../data/mtl/mtlCsv.ts';
import type { DistanceHistogram } from '../analysis/interestEntanglement.ts';
import type { BackendName, BackendState } from './analysisProtocol.ts';
import { toSerializedError } from './analysisErrors.ts';
import type {
  MtlArm,
  MtlArmSnapshot,
  MtlConflictOutcome,
  MtlConflictProgress,
  MtlConflictRequest,
  MtlCsvPreview,
  MtlDatasetSource,
  MtlDatasetSummary,
  MtlDistanceHistogram,
  MtlEvent,
  MtlLoadOutcome,
  MtlTrainOutcome,
  MtlTrainRequest,
} from './multitaskProtocol.ts';

export interface MultitaskService {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  previewCsv(file: Blob & { name: string }): Promise<MtlCsvPreview | { error: SerializedImportError }>;
  load(source: MtlDatasetSource): Promise<MtlLoadOutcome>;
  train(request: MtlTrainRequest, onEvent: (e: MtlEvent) => void): Promise<MtlTrainOutcome>;
  pause(): void;
  resume(): void;
  stop(): void;
  measureConflicts(request: MtlConflictRequest, onProgress: (p: MtlConflictProgress) => void): Promise<MtlConflictOutcome>;
}

/** A chunk of steps aims at this long, so control messages wait at most about this much. */
const CHUNK_TARGET_MS = 150;
const MAX_CHUNK = 32;
/** Lines of a dropped CSV read to list its columns. */
const PREVIEW_LINES = 500;

const BUSY: SerializedImportError = { code: 'internal', message: 'A multi-task run is in progress.', fix: 'Stop it first.' };
const STOPPED: SerializedImportError = { code: 'cancelled', message: 'The conflict-pair measure was stopped.', fix: 'Start it again when you are ready.' };
const NO_DATA: SerializedImportError = { code: 'empty', message: 'No multi-task dataset is loaded.', fix: 'Choose a dataset first.' };

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Engine = typeof import('../models/multitask/multiTaskTrainer.ts') &
  typeof import('../models/multitask/conflictPairs.ts') &
  typeof import('../models/multitask/types.ts');
type Trainer = import('../models/multitask/multiTaskTrainer.ts').MultiTaskTrainer;

export function summarizeMtl(d: CtrDataset): MtlDatasetSummary {
  const T = d.tasks.length;
  const positiveRates = d.tasks.map((_, k) => {
    let s = 0;
    for (let r = 0; r < d.train.rows; r++) s += d.train.labels[r * T + k];
    return d.train.rows > 0 ? s / d.train.rows : NaN;
  });
  const mask = comparableMask(d.test);
  const comparable = mask.reduce((a, b) => a + b, 0);
  return {
    name: d.name,
    tasks: [...d.tasks],
    fields: d.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })),
    rows: { train: d.train.rows, valid: d.valid.rows, test: d.test.rows },
    positiveRates,
    comparableShare: d.test.rows > 0 ? comparable / d.test.rows : NaN,
    hasUserItem: T >= 2 && d.fields.some((f) => /user/i.test(f.name)) && d.fields.some((f) => /item/i.test(f.name)),
  };
}

/** The columns of a CSV/TSV's first lines, which hold only 0/1, and which the loader would pick. */
export function previewCsvText(text: string, fileName: string): MtlCsvPreview {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, PREVIEW_LINES);
  if (lines.length < 2) throw new ImportError('empty', `${fileName} has no data rows.`, 'Drop a CSV or TSV with a header line and one impression per line.');
  const delimiter = lines[0].includes('\t') ? '\t' : lines[0].includes(',') ? ',' : ';';
  const header = lines[0].split(delimiter).map((c) => c.trim());
  // The last line of a partial read may be cut; keep only complete rows.
  const rows = lines.slice(1).map((l) => l.split(delimiter).map((c) => c.trim())).filter((r) => r.length === header.length);
  const binary = header.filter((_, c) => rows.every((r) => r[c] === '0' || r[c] === '1'));
  return { fileName, header, binary, detected: detectLabelColumns(header, rows) };
}

function plainHistogram(h: DistanceHistogram): MtlDistanceHistogram {
  return { edges: Array.from(h.edges), conflict: Array.from(h.conflict), other: Array.from(h.other), band: [...h.band], p40: h.p40, p60: h.p60 };
}

/**
 * `prepareTf` runs once before tfjs is first used (the worker points tfjs-backend-wasm at its
 * binaries there). tfjs, the ladder and then the models load lazily, on the first backend question.
 */
export function createMultitaskService(prepareTf: () => Promise<void> = async () => {}): MultitaskService {
  let engine: Promise<Engine> | null = null;
  const loadEngine = () =>
    (engine ??= Promise.all([
      import('../models/multitask/multiTaskTrainer.ts'),
      import('../models/multitask/conflictPairs.ts'),
      import('../models/multitask/types.ts'),
    ]).then(([a, b, c]) => ({ ...a, ...b, ...c })));
  let ladder: Promise<typeof import('../engine/backendLadder.ts')> | null = null;
  // The engine loads right after the ladder, so pressing Train does not fetch and compile it.
  const loadLadder = () =>
    (ladder ??= prepareTf()
      .then(() => import('../engine/backendLadder.ts'))
      .finally(() => void loadEngine().catch(() => {})));

  let dataset: CtrDataset | null = null;
  let running = false;
  const control = { paused: false, stop: false, wake: null as (() => void) | null };
  const wake = () => {
    const w = control.wake;
    control.wake = null;
    w?.();
  };
  const backends = async () => (await loadLadder()).currentBackendState();

  const exclusive = async <T>(job: () => Promise<T>, onError: (error: SerializedImportError) => T): Promise<T> => {
    if (running) return onError(BUSY);
    if (!dataset) return onError(NO_DATA);
    running = true;
    Object.assign(control, { paused: false, stop: false });
    try {
      return await job();
    } catch (e) {
      return onError(toSerializedError(e));
    } finally {
      running = false;
    }
  };

  const snapshotOf = (t: Trainer, tasks: number): MtlArmSnapshot => ({
    dominance: t.dominance(),
    cosine: t.gradientConflict().map((l) => ({ layer: l.layer, cosine: Array.from(l.cosine) })),
    entanglement: tasks >= 2 ? t.gradientEntanglement().map((f) => f.cosine) : [],
  });

  async function train(data: CtrDataset, request: MtlTrainRequest, emit: (e: MtlEvent) => void): Promise<MtlTrainOutcome> {
    const m = await loadEngine();
    const state = await backends();
    const config = { ...m.DEFAULT_MULTI_TASK_CONFIG, kind: request.model, seed: request.seed };
    const options = { lr: request.lr, batchSize: request.batchSize, beta: request.beta, seed: request.seed };
    const arms: Record<MtlArm, Trainer> = {
      adam: m.createMultiTaskTrainer(data, config, { ...options, optimizer: 'adam' }),
      alt: m.createMultiTaskTrainer(data, config, { ...options, optimizer: request.alternative }),
    };
    const T = data.tasks.length;
    try {
      const parameters = arms.adam.model.sharedVariables.flatMap((l) => l.variables).reduce((s, v) => s + v.size, 0);
      emit({ type: 'started', tasks: [...data.tasks], fields: data.fields.map((f) => f.name), layers: arms.adam.model.sharedVariables.map((l) => l.layer), backend: state.active, parameters });
      emit({ type: 'status', status: 'running' });
      const evaluate = (step: number) =>
        emit({
          type: 'metrics',
          step,
          all: { adam: arms.adam.evaluate(data.test), alt: arms.alt.evaluate(data.test) },
          comparable: { adam: arms.adam.evaluate(data.test, { comparableOnly: true }), alt: arms.alt.evaluate(data.test, { comparableOnly: true }) },
        });
      let chunk = 1;
      let lastSnapshot = 0;
      let lastEval = 0;
      while (arms.adam.steps < request.steps && !control.stop) {
        if (control.paused) {
          emit({ type: 'status', status: 'paused' });
          await new Promise<void>((resolve) => (control.wake = resolve));
          if (!control.stop) emit({ type: 'status', status: 'running' });
          continue;
        }
        const n = Math.min(chunk, request.steps - arms.adam.steps);
        const sums: Record<MtlArm, number[]> = { adam: new Array<number>(T).fill(0), alt: new Array<number>(T).fill(0) };
        const t0 = performance.now();
        for (let i = 0; i < n; i++) {
          for (const arm of ['adam', 'alt'] as const) arms[arm].step().losses.forEach((l, k) => (sums[arm][k] += l / n));
        }
        const ms = Math.max(1, performance.now() - t0);
        chunk = Math.max(1, Math.min(MAX_CHUNK, Math.round((n * CHUNK_TARGET_MS) / ms)));
        const step = arms.adam.steps;
        emit({ type: 'progress', step, epoch: arms.adam.epochs, losses: sums, stepsPerSecond: (n * 1000) / ms });
        const last = step >= request.steps;
        if (step - lastSnapshot >= request.snapshotEvery || last) {
          lastSnapshot = step;
          emit({ type: 'snapshot', step, arms: { adam: snapshotOf(arms.adam, T), alt: snapshotOf(arms.alt, T) } });
        }
        if ((request.evalEvery > 0 && step - lastEval >= request.evalEvery) || last) {
          lastEval = step;
          evaluate(step);
        }
        await nextTask();
      }
      const stopped = arms.adam.steps < request.steps;
      if (stopped && arms.adam.steps > lastEval) evaluate(arms.adam.steps);
      emit({ type: 'status', status: stopped ? 'stopped' : 'done' });
      return { ok: true, status: stopped ? 'stopped' : 'done' };
    } finally {
      arms.adam.dispose();
      arms.alt.dispose();
    }
  }

  async function measure(data: CtrDataset, request: MtlConflictRequest, onProgress: (p: MtlConflictProgress) => void): Promise<MtlConflictOutcome> {
    const m = await loadEngine();
    await backends();
    if (data.tasks.length < 2) throw new ImportError('bad-header', `${data.name} has one task; the conflict-pair measure compares two.`, 'Load a dataset with two or more label columns.');
    const userField = m.findField(data, /user/i);
    const itemField = m.findField(data, /item/i);
    const kinds = ['single', 'shared-bottom', 'mmoe', 'ple', 'stem'] as const;
    const trained: { name: string; trainer: Trainer }[] = [];
    try {
      for (const [index, kind] of kinds.entries()) {
        const trainer = m.createMultiTaskTrainer(data, { ...m.DEFAULT_MULTI_TASK_CONFIG, kind, seed: request.seed }, { optimizer: 'adam', lr: request.lr, batchSize: request.batchSize, seed: request.seed });
        trained.push({ name: kind, trainer });
        while (trainer.steps < request.steps && !control.stop) {
          const t0 = performance.now();
          do trainer.step();
          while (trainer.steps < request.steps && performance.now() - t0 < CHUNK_TARGET_MS);
          onProgress({ model: kind, index, total: kinds.length, step: trainer.steps, steps: request.steps });
          await nextTask();
        }
        if (control.stop) return { ok: false, error: STOPPED };
      }
      const [single, ...models] = trained;
      const result = m.measureConflictPairs(data, single.trainer.model, models.map((x) => ({ name: x.name, model: x.trainer.model })), { taskA: request.taskA, taskB: request.taskB, userField, itemField });
      return {
        ok: true,
        result: {
          tasks: [data.tasks[request.taskA], data.tasks[request.taskB]],
          pairs: result.pairs.users.length,
          conflictPairs: result.conflictCount,
          steps: request.steps,
          models: result.models.map((x) => ({
            name: x.name,
            tables: x.tables,
            histogramA: plainHistogram(x.histogramA),
            histogramB: plainHistogram(x.histogramB),
            joint: { xEdges: Array.from(x.joint.xEdges), yEdges: Array.from(x.joint.yEdges), bins: x.joint.xEdges.length - 1, counts: Array.from(x.joint.counts) },
            separated: x.separated,
          })),
        },
      };
    } finally {
      for (const x of trained) x.trainer.dispose();
    }
  }

  return {
    backends,
    async setBackend(name) {
      const l = await loadLadder();
      return running ? l.currentBackendState() : l.activateBackend(name);
    },
    async previewCsv(file) {
      try {
        return previewCsvText(await file.slice(0, 256 * 1024).text(), file.name);
      } catch (e) {
        return { error: toSerializedError(e) };
      }
    },
    async load(source) {
      if (running) return { ok: false, error: BUSY };
      try {
        dataset =
          source.kind === 'url'
            ? await fetchCtrDataset(source.url)
            : parseMtlCsv(await source.file.text(), { fileName: source.file.name, name: source.file.name, ...(source.labelColumns ? { labelColumns: source.labelColumns } : {}) });
        return { ok: true, summary: summarizeMtl(dataset) };
      } catch (e) {
        dataset = null;
        return { ok: false, error: toSerializedError(e) };
      }
    },
    train(request, onEvent) {
      return exclusive(
        () => train(dataset!, request, onEvent),
        (error) => {
          onEvent({ type: 'status', status: 'error', message: error.message });
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
    stop() {
      control.stop = true;
      control.paused = false;
      wake();
    },
    measureConflicts(request, onProgress) {
      return exclusive(() => measure(dataset!, request, onProgress), (error) => ({ ok: false, error }));
    },
  };
}
