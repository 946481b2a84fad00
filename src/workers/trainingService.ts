/**
 * What the training worker does, free of worker plumbing so Node tests can drive it: load a CTR
 * dataset, run the trainer in short chunks of steps (yielding between chunks so pause / step /
 * stop are handled promptly), stream metrics, and take spectrum snapshots in the background
 * (one at a time, never awaited by the training loop).
 */
import { blobByteSource, bytesByteSource } from '../data/byteSource.ts';
import type { CtrDataset } from '../data/ctr/ctrDataset.ts';
import { decodeCtrDatasetAsync } from '../data/ctr/datasetFile.ts';
import { importCtrFile } from '../data/ctr/importCtrFile.ts';
import { generateSyntheticCtrAsync } from '../data/ctr/syntheticCtr.ts';
import { throwIfAborted } from '../data/abort.ts';
import { ImportError, type SerializedImportError } from '../data/importError.ts';
import type { BackendName, BackendState } from './analysisProtocol.ts';
import { toSerializedError } from './analysisErrors.ts';
import type { DatasetSource, DatasetSummary, ExportedTables, FinalReport, LoadOutcome, LoadProgress, LossPoint, TrainingEvent, TrainOutcome, TrainRequest } from './trainingProtocol.ts';

export interface TrainingService {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  /** A cancelled load answers with the 'cancelled' error and keeps the dataset loaded before it. */
  load(source: DatasetSource, onProgress: (p: LoadProgress) => void): Promise<LoadOutcome>;
  cancelLoad(): void;
  train(request: TrainRequest, onEvent: (e: TrainingEvent) => void): Promise<TrainOutcome>;
  pause(): void;
  resume(): void;
  step(): void;
  stop(): void;
  exportTables(): Promise<ExportedTables>;
  /** Frees the last run's model (tests check tensor counts after it). */
  dispose(): void;
}

/** A chunk of steps aims at this long, so control messages wait at most about this much. */
const CHUNK_TARGET_MS = 150;
/** Loss points per epoch. Points sit at fixed steps (not at chunk ends, which depend on speed), so a link's curve repeats. */
const LOSS_POINTS_PER_EPOCH = 25;
const MAX_CHUNK = 64;

const isRlctr = (name: string) => name.toLowerCase().endsWith('.rlctr');

async function loadDataset(source: DatasetSource, onProgress: (p: LoadProgress) => void, signal: AbortSignal): Promise<CtrDataset> {
  const progress = (bytesDone: number, bytesTotal: number, rows: number) => onProgress({ bytesDone, bytesTotal, rows });
  switch (source.kind) {
    case 'rlctr-bytes':
      return decodeCtrDatasetAsync(source.bytes, signal);
    case 'generated':
      return generateSyntheticCtrAsync({ ...source.config, name: source.name }, { onProgress: (done, total) => progress(done, total, 0), signal });
    case 'url': {
      const response = await fetch(source.url, { signal });
      if (!response.ok) throw new ImportError('read-failed', `Could not load ${source.url}: HTTP ${response.status}.`, 'Check that the studio was built with public/datasets/.');
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (source.format === 'rlctr') return decodeCtrDatasetAsync(bytes, signal);
      return importCtrFile(bytesByteSource(bytes, source.name), { format: source.format, onProgress: progress, signal });
    }
    case 'file':
      if (isRlctr(source.name)) return decodeCtrDatasetAsync(new Uint8Array(await source.file.arrayBuffer()), signal);
      return importCtrFile(blobByteSource(source.file, source.name), { onProgress: progress, signal });
  }
}

function summarize(d: CtrDataset): DatasetSummary {
  return { name: d.name, origin: d.origin, fields: d.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })), rows: { train: d.train.rows, valid: d.valid.rows, test: d.test.rows } };
}

const BUSY: SerializedImportError = { code: 'internal', message: 'A training run is in progress.', fix: 'Stop the run first.' };

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Models = typeof import('../models/trainer.ts') & typeof import('../models/scalingExperiment.ts') & typeof import('../models/exportTables.ts');
type Trainer = import('../models/trainer.ts').Trainer;

/**
 * `prepareTf` runs once before tfjs is first used (the worker points tfjs-backend-wasm at its
 * binaries there). tfjs, the ladder and then the models load lazily, on the first backend question.
 */
export function createTrainingService(prepareTf: () => Promise<void> = async () => {}): TrainingService {
  let models: Promise<Models> | null = null;
  const loadModels = () =>
    (models ??= Promise.all([import('../models/trainer.ts'), import('../models/scalingExperiment.ts'), import('../models/exportTables.ts')]).then(([a, b, c]) => ({ ...a, ...b, ...c })));
  let ladder: Promise<typeof import('../engine/backendLadder.ts')> | null = null;
  // The models load right after the ladder, before Train: fetched and compiled when Train is
  // pressed, they competed with the page's first chart render for the CPU (long tasks).
  const loadLadder = () =>
    (ladder ??= prepareTf()
      .then(() => import('../engine/backendLadder.ts'))
      .finally(() => void loadModels().catch(() => {})));

  let dataset: CtrDataset | null = null;
  let trainer: Trainer | null = null;
  let running = false;
  /** The load in progress, cancelled by cancelLoad or by a newer load. */
  let loading: AbortController | null = null;
  const control = { paused: false, stop: false, pendingSteps: 0, wake: null as (() => void) | null };
  const wake = () => {
    const w = control.wake;
    control.wake = null;
    w?.();
  };

  const backends = async () => (await loadLadder()).currentBackendState();

  async function run(request: TrainRequest, emit: (e: TrainingEvent) => void): Promise<TrainOutcome> {
    if (!dataset) throw new ImportError('empty', 'No dataset is loaded.', 'Choose a dataset first.');
    const m = await loadModels();
    const state = await backends();
    trainer?.dispose();
    trainer = null;
    const t = m.createTrainer(dataset, request.model, request.train);
    trainer = t;
    if (request.resumeFrom) await t.resume(request.resumeFrom);
    Object.assign(control, { paused: Boolean(request.paused), stop: false, pendingSteps: 0 });
    const batch = Math.min(request.train.batchSize, dataset.train.rows);
    emit({ type: 'started', parameters: t.model.parameterCount(), stepsPerEpoch: t.state.stepsPerEpoch, backend: state.active });

    const isCross = Boolean(t.model.crossWeights);
    let pending: Promise<void> | null = null;
    const snapshot = async (step: number) => {
      emit({ type: 'spectrum', step, sets: await t.spectrumSnapshot() });
      if (isCross) emit({ type: 'interaction', step, matrix: await t.interactionCollapse(0) });
    };
    // The loop never waits for a snapshot; a snapshot still running when the next is due skips it.
    const snapshotInBackground = (step: number) => {
      pending ??= snapshot(step).finally(() => (pending = null));
    };

    // Each point is the mean loss of the steps since the previous one; a pause, a checkpoint or the end closes a partial window.
    const lossWindow = Math.max(1, Math.round(t.state.stepsPerEpoch / LOSS_POINTS_PER_EPOCH));
    const open = { sum: 0, count: 0 };
    const closeWindow = (step: number, points: LossPoint[]) => {
      if (open.count > 0) points.push({ step, loss: open.sum / open.count });
      open.sum = 0;
      open.count = 0;
    };
    let samplesPerSecond = 0;
    const emitLoss = (points: LossPoint[]) => {
      const { step, epoch } = t.state;
      emit({ type: 'loss', step, epoch, points, samplesPerSecond });
    };
    const flushLoss = () => {
      const points: LossPoint[] = [];
      closeWindow(t.state.step, points);
      if (points.length > 0) emitLoss(points);
    };

    const checkpointEvery = request.checkpointEveryMs ?? 0;
    let lastCheckpoint = { at: performance.now(), step: t.state.step };
    // Awaited between chunks: no step runs while the weights and moments are read.
    const checkpoint = async () => {
      flushLoss();
      lastCheckpoint = { at: performance.now(), step: t.state.step };
      emit({ type: 'checkpoint', step: t.state.step, checkpoint: await t.checkpoint() });
    };

    await snapshot(t.state.step);
    emit({ type: 'status', status: control.paused ? 'paused' : 'running' });
    let chunk = 1;
    let lastSnapshot = t.state.step;
    while (!t.state.done && !control.stop) {
      if (control.paused && control.pendingSteps === 0) {
        flushLoss();
        if (checkpointEvery > 0 && lastCheckpoint.step !== t.state.step) {
          await pending;
          await checkpoint();
        }
        emit({ type: 'status', status: 'paused' });
        await new Promise<void>((resolve) => (control.wake = resolve));
        if (!control.paused) emit({ type: 'status', status: 'running' });
        continue;
      }
      const stepping = control.paused;
      if (stepping) control.pendingSteps--;
      const t0 = performance.now();
      const result = await t.runSteps(stepping ? 1 : chunk);
      const ms = Math.max(1, performance.now() - t0);
      if (!stepping) chunk = Math.max(1, Math.min(MAX_CHUNK, Math.round((chunk * CHUNK_TARGET_MS) / ms)));
      const { step } = t.state;
      if (result.steps > 0) {
        const points: LossPoint[] = [];
        result.losses.forEach((loss, i) => {
          const at = step - result.steps + 1 + i;
          open.sum += loss;
          open.count++;
          if (at % lossWindow === 0) closeWindow(at, points);
        });
        if (stepping || t.state.done || control.stop) closeWindow(step, points);
        samplesPerSecond = (result.steps * batch * 1000) / ms;
        emitLoss(points);
      }
      for (const v of result.validations) emit({ type: 'eval', step: v.step, epoch: v.epoch, auc: v.auc, logloss: v.logloss, ...(v.gauc === undefined ? {} : { gauc: v.gauc }) });
      const every = request.spectrumEvery;
      if ((every > 0 && step - lastSnapshot >= every) || stepping) {
        lastSnapshot = step;
        snapshotInBackground(step);
      }
      if (checkpointEvery > 0 && performance.now() - lastCheckpoint.at >= checkpointEvery && !t.state.done) await checkpoint();
      await nextTask();
    }
    flushLoss();
    await pending;
    const stopped = control.stop && !t.state.done;
    // The live charts end on the weights training ended with; the report then restores the best ones.
    await snapshot(t.state.step);
    const report = await finish(m, t);
    emit({ type: 'final', report });
    emit({ type: 'status', status: stopped ? 'stopped' : 'done' });
    return { ok: true, status: stopped ? 'stopped' : 'done', report };
  }

  async function finish(m: Models, t: Trainer): Promise<FinalReport> {
    const s = t.state;
    const hasBest = !Number.isNaN(s.bestValidAuc);
    if (hasBest) t.restoreBest();
    const test = hasBest ? await t.evaluate('test') : { auc: NaN, logloss: NaN };
    return {
      step: s.step,
      parameters: t.model.parameterCount(),
      bestStep: s.bestStep,
      bestValidAuc: s.bestValidAuc,
      stoppedEarly: s.stoppedEarly,
      testAuc: test.auc,
      testLogloss: test.logloss,
      concatSpectrum: await m.concatenatedSpectrum(t),
    };
  }

  return {
    backends,
    async setBackend(name) {
      const l = await loadLadder();
      if (running) return l.currentBackendState();
      return l.activateBackend(name);
    },
    async load(source, onProgress) {
      if (running) return { ok: false, error: BUSY };
      loading?.abort();
      const controller = new AbortController();
      loading = controller;
      try {
        const loaded = await loadDataset(source, onProgress, controller.signal);
        throwIfAborted(controller.signal);
        trainer?.dispose();
        trainer = null;
        dataset = loaded;
        return { ok: true, summary: summarize(dataset) };
      } catch (e) {
        return { ok: false, error: toSerializedError(e) };
      } finally {
        if (loading === controller) loading = null;
      }
    },
    cancelLoad() {
      loading?.abort();
    },
    async train(request, onEvent) {
      if (running) return { ok: false, error: BUSY };
      running = true;
      try {
        return await run(request, onEvent);
      } catch (e) {
        const error = toSerializedError(e);
        onEvent({ type: 'status', status: 'error', message: error.message });
        return { ok: false, error };
      } finally {
        running = false;
      }
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
    async exportTables() {
      if (!trainer || !dataset) throw new Error('no trained model to export: train first');
      const m = await loadModels();
      const stem = `${dataset.name}-${trainer.model.config.kind}`.replace(/[^\w.-]+/g, '-');
      return { files: m.exportEmbeddingTables(await trainer.embeddingSnapshot(), dataset.fields, stem) };
    },
    dispose() {
      trainer?.dispose();
      trainer = null;
    },
  };
}
