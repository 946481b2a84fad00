/**
 * What the multi-task worker does, free of worker plumbing so Node tests can drive it: load a
 * multi-task dataset, train one model twice on the same data and seed (Adam and an AdaTask form,
 * stepped alternately) through the run loop (runHost.ts), streaming metrics and diagnostics; and
 * RecScope's conflict-pair measure on small models.
 */
import type { CtrDataset } from '../data/ctr/ctrDataset.ts';
import { fetchCtrDataset } from '../data/ctr/datasetIndex.ts';
import { ImportError } from '../data/importError.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import { comparableMask } from '../data/mtl/comparable.ts';
import { detectLabelColumns, parseMtlCsv } from '../data/mtl/mtlCsv.ts';
import { CsvRecordReader, sniffDelimiter } from '../data/csv.ts';
import type { DistanceHistogram } from '../analysis/interestEntanglement.ts';
import type { BackendName } from '../contracts/backend.ts';
import { toSerializedError } from './analysisErrors.ts';
import {
  type MtlArmSnapshot,
  type MtlCheckpoint,
  type MtlConflictOutcome,
  type MtlConflictProgress,
  type MtlConflictRequest,
  type MtlCsvPreview,
  type MtlDatasetSummary,
  type MtlDistanceHistogram,
  type MtlEvent,
  type MtlLossPoint,
  type MtlTrainRequest,
  type MultitaskClient,
} from './multitaskProtocol.ts';
import { MTL_ARMS, type MtlArm } from '../contracts/multitaskConfig.ts';
import { BUSY, createRunHost, type RunSession } from './runHost.ts';
import { nextTask } from './nextTask.ts';

export interface MultitaskService extends Omit<MultitaskClient, 'previewCsv'> {
  previewCsv(file: Blob & { name: string }): Promise<MtlCsvPreview | { error: SerializedImportError }>;
}

/** A chunk of steps aims at this long, so control messages wait at most about this much. */
const CHUNK_TARGET_MS = 150;
const MAX_CHUNK = 32;
/** Lines of a dropped CSV read to list its columns. */
const PREVIEW_LINES = 500;

const STOPPED: SerializedImportError = { code: 'cancelled', message: 'The conflict-pair measure was stopped.', fix: 'Start it again when you are ready.' };

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
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  const reader = new CsvRecordReader(sniffDelimiter(first < 0 ? '' : lines[first]), fileName);
  const records: string[][] = [];
  // RFC 4180 records (quoted fields may hold the separator); a partial read may end inside one, which is dropped.
  for (let i = Math.max(0, first); i < lines.length && records.length < PREVIEW_LINES; i++) {
    if (!reader.pending && lines[i].trim() === '') continue;
    const record = reader.push(lines[i], i + 1);
    if (record) records.push(record.map((c) => c.trim()));
  }
  if (records.length < 2) throw new ImportError('empty', `${fileName} has no data rows.`, 'Drop a CSV or TSV with a header line and one impression per line.');
  const header = records[0];
  // The last line of a partial read may be cut; keep only complete rows.
  const rows = records.slice(1).filter((r) => r.length === header.length);
  const binary = header.filter((_, c) => rows.every((r) => r[c] === '0' || r[c] === '1'));
  return { fileName, header, binary, detected: detectLabelColumns(header, rows) };
}

function plainHistogram(h: DistanceHistogram): MtlDistanceHistogram {
  return { edges: Array.from(h.edges), conflict: Array.from(h.conflict), other: Array.from(h.other), band: [...h.band], p40: h.p40, p60: h.p60 };
}

type Arms = Record<MtlArm, Trainer>;

/** Loss points over a run: one per this many steps (fixed steps, so a resumed run's curve repeats). */
const LOSS_POINTS = 100;

/**
 * A multi-task run as the run loop steps it: the Adam and the alternative trainer stepped
 * alternately on the same data and seed. Chunks stop at the snapshot and evaluation steps, and
 * loss points close at fixed steps, so every read-out sits at a step that does not depend on
 * the machine's speed and a resumed run draws the same curves as one never interrupted.
 */
function mtlSession(
  m: Engine,
  data: CtrDataset,
  request: MtlTrainRequest,
  backend: BackendName,
  emit: (e: MtlEvent) => void,
): RunSession<MtlCheckpoint, never> {
  const config = { ...m.DEFAULT_MULTI_TASK_CONFIG, kind: request.model, seed: request.seed };
  const options = { lr: request.lr, batchSize: request.batchSize, beta: request.beta, seed: request.seed };
  const arms: Arms = {
    adam: m.createMultiTaskTrainer(data, config, { ...options, optimizer: 'adam' }),
    alt: m.createMultiTaskTrainer(data, config, { ...options, optimizer: request.alternative }),
  };
  const T = data.tasks.length;
  const lossEvery = Math.max(1, Math.round(request.steps / LOSS_POINTS));
  const emptySums = () => ({ adam: new Array<number>(T).fill(0), alt: new Array<number>(T).fill(0) });
  let open = { count: 0, sums: emptySums() };
  let lastEval = 0;
  const evaluate = (step: number) => {
    lastEval = step;
    emit({
      type: 'metrics',
      step,
      all: { adam: arms.adam.evaluate(data.test), alt: arms.alt.evaluate(data.test) },
      comparable: { adam: arms.adam.evaluate(data.test, { comparableOnly: true }), alt: arms.alt.evaluate(data.test, { comparableOnly: true }) },
    });
  };
  const due = (step: number, every: number) => every > 0 && step % every === 0;
  /** Steps to the next snapshot, evaluation or the end. */
  const toNextReadOut = (step: number) => {
    const next = (every: number) => (every > 0 ? every - (step % every) : Infinity);
    return Math.min(next(request.snapshotEvery), next(request.evalEvery), request.steps - step);
  };

  return {
    get step() {
      return arms.adam.steps;
    },
    get done() {
      return arms.adam.steps >= request.steps;
    },
    async start() {
      lastEval = arms.adam.steps;
      const parameters = arms.adam.model.sharedVariables.flatMap((l) => l.variables).reduce((s, v) => s + v.size, 0);
      emit({
        type: 'started',
        tasks: [...data.tasks],
        fields: data.fields.map((f) => f.name),
        layers: arms.adam.model.sharedVariables.map((l) => l.layer),
        backend,
        parameters,
      });
    },
    async advance(chunk) {
      const n = Math.min(chunk, toNextReadOut(arms.adam.steps));
      const points: MtlLossPoint[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        for (const arm of MTL_ARMS) arms[arm].step().losses.forEach((l, k) => (open.sums[arm][k] += l));
        open.count++;
        const at = arms.adam.steps;
        if (at % lossEvery === 0 || at === request.steps) {
          const mean = (sums: number[]) => sums.map((x) => x / open.count);
          points.push({ step: at, losses: { adam: mean(open.sums.adam), alt: mean(open.sums.alt) } });
          open = { count: 0, sums: emptySums() };
        }
      }
      const ms = Math.max(1, performance.now() - t0);
      const step = arms.adam.steps;
      emit({ type: 'progress', step, epoch: arms.adam.epochs, points, stepsPerSecond: (n * 1000) / ms });
      const last = step >= request.steps;
      if (due(step, request.snapshotEvery) || last) emit({ type: 'snapshot', step, arms: { adam: snapshotOf(arms.adam, T), alt: snapshotOf(arms.alt, T) } });
      if (due(step, request.evalEvery) || last) evaluate(step);
      return n;
    },
    // The open loss window travels in the checkpoint instead of closing early: the curve stays the uninterrupted one.
    async settle() {},
    async checkpoint() {
      return {
        arms: { adam: arms.adam.checkpoint(), alt: arms.alt.checkpoint() },
        lossWindow: { count: open.count, sums: { adam: [...open.sums.adam], alt: [...open.sums.alt] } },
      };
    },
    async restore(c) {
      for (const arm of MTL_ARMS) arms[arm].restore(c.arms[arm]);
      open = { count: c.lossWindow.count, sums: { adam: [...c.lossWindow.sums.adam], alt: [...c.lossWindow.sums.alt] } };
    },
    async finish(stopped) {
      if (stopped && arms.adam.steps > lastEval) evaluate(arms.adam.steps);
      return null;
    },
    end() {
      arms.adam.dispose();
      arms.alt.dispose();
    },
  };
}

const snapshotOf = (t: Trainer, tasks: number): MtlArmSnapshot => ({
  dominance: t.dominance(),
  cosine: t.gradientConflict().map((l) => ({ layer: l.layer, cosine: Array.from(l.cosine) })),
  entanglement: tasks >= 2 ? t.gradientEntanglement().map((f) => f.cosine) : [],
});

export function createMultitaskService(prepareTf: () => Promise<void> = async () => {}): MultitaskService {
  const host = createRunHost<Engine>(prepareTf, () =>
    Promise.all([
      import('../models/multitask/multiTaskTrainer.ts'),
      import('../models/multitask/conflictPairs.ts'),
      import('../models/multitask/types.ts'),
    ]).then(([a, b, c]) => ({ ...a, ...b, ...c })),
  );
  let dataset: CtrDataset | null = null;
  const loaded = () => {
    if (!dataset) throw new ImportError('empty', 'No multi-task dataset is loaded.', 'Choose a dataset first.');
    return dataset;
  };

  async function measure(data: CtrDataset, request: MtlConflictRequest, onProgress: (p: MtlConflictProgress) => void): Promise<MtlConflictOutcome> {
    const m = await host.engine();
    await host.backends();
    if (data.tasks.length < 2)
      throw new ImportError(
        'bad-header',
        `${data.name} has one task; the conflict-pair measure compares two.`,
        'Load a dataset with two or more label columns.',
      );
    const userField = m.findField(data, /user/i);
    const itemField = m.findField(data, /item/i);
    const kinds = ['single', 'shared-bottom', 'mmoe', 'ple', 'stem'] as const;
    const trained: { name: string; trainer: Trainer }[] = [];
    try {
      for (const [index, kind] of kinds.entries()) {
        const trainer = m.createMultiTaskTrainer(
          data,
          { ...m.DEFAULT_MULTI_TASK_CONFIG, kind, seed: request.seed },
          { optimizer: 'adam', lr: request.lr, batchSize: request.batchSize, seed: request.seed },
        );
        trained.push({ name: kind, trainer });
        while (trainer.steps < request.steps && !host.stopRequested) {
          const t0 = performance.now();
          do trainer.step();
          while (trainer.steps < request.steps && performance.now() - t0 < CHUNK_TARGET_MS);
          onProgress({ model: kind, index, total: kinds.length, step: trainer.steps, steps: request.steps });
          await nextTask();
        }
        if (host.stopRequested) return { ok: false, error: STOPPED };
      }
      const [single, ...models] = trained;
      const result = m.measureConflictPairs(
        data,
        single.trainer.model,
        models.map((x) => ({ name: x.name, model: x.trainer.model })),
        { taskA: request.taskA, taskB: request.taskB, userField, itemField },
      );
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
            joint: {
              xEdges: Array.from(x.joint.xEdges),
              yEdges: Array.from(x.joint.yEdges),
              bins: x.joint.xEdges.length - 1,
              counts: Array.from(x.joint.counts),
            },
            separated: x.separated,
          })),
        },
      };
    } finally {
      for (const x of trained) x.trainer.dispose();
    }
  }

  return {
    backends: host.backends,
    setBackend: host.setBackend,
    async previewCsv(file) {
      try {
        return previewCsvText(await file.slice(0, 256 * 1024).text(), file.name);
      } catch (e) {
        return { error: toSerializedError(e) };
      }
    },
    async load(source) {
      if (host.busy) return { ok: false, error: BUSY };
      try {
        dataset =
          source.kind === 'url'
            ? await fetchCtrDataset(source.url)
            : parseMtlCsv(await source.file.text(), {
                fileName: source.file.name,
                name: source.file.name,
                ...(source.labelColumns ? { labelColumns: source.labelColumns } : {}),
              });
        return { ok: true, summary: summarizeMtl(dataset) };
      } catch (e) {
        dataset = null;
        return { ok: false, error: toSerializedError(e) };
      }
    },
    train(request, onEvent) {
      return host.run((m, backend) => Promise.resolve(mtlSession(m, loaded(), request, backend, onEvent)), { ...request, maxChunk: MAX_CHUNK }, onEvent);
    },
    pause: host.pause,
    resume: host.resume,
    step: host.step,
    stop: host.stop,
    measureConflicts(request, onProgress) {
      return host.exclusive(
        () => measure(loaded(), request, onProgress),
        (error) => ({ ok: false, error }),
      );
    },
  };
}
