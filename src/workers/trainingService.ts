/**
 * What the training worker does, free of worker plumbing so Node tests can drive it: load a CTR
 * dataset and train one model on it through the run loop (runHost.ts), streaming metrics and
 * spectra; export the trained embedding tables.
 */
import { blobByteSource, bytesByteSource } from '../data/byteSource.ts';
import type { CtrDataset } from '../data/ctr/ctrDataset.ts';
import { decodeCtrDatasetAsync } from '../data/ctr/datasetFile.ts';
import { importCtrFile } from '../data/ctr/importCtrFile.ts';
import { generateSyntheticCtrAsync } from '../data/ctr/syntheticCtr.ts';
import { throwIfAborted } from '../data/abort.ts';
import { backendChoiceOf, type BackendName, type BackendState } from '../contracts/backend.ts';
import { modelName } from '../contracts/modelNames.ts';
import { ImportError } from '../data/importError.ts';
import type { TrainerCheckpoint } from '../models/trainerCheckpoint.ts';
import { toSerializedError } from './analysisErrors.ts';
import { BUSY, createRunHost, type RunProbe, type RunSession } from './runHost.ts';
import type { DatasetSource, DatasetSummary, FinalReport, LoadProgress, LossPoint, TrainingClient, TrainingEvent, TrainRequest } from './trainingProtocol.ts';

/** A cancelled load answers with the 'cancelled' error and keeps the dataset loaded before it. */
export interface TrainingService extends TrainingClient {
  /** Frees the last run's model (tests check tensor counts after it). */
  dispose(): void;
}

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
      if (!response.ok)
        throw new ImportError(
          'read-failed',
          `Could not load ${source.url}: HTTP ${response.status}.`,
          'Check that the studio was built with public/datasets/.',
        );
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
  return {
    name: d.name,
    origin: d.origin,
    fields: d.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })),
    rows: { train: d.train.rows, valid: d.valid.rows, test: d.test.rows },
    ...(d.detection ? { detection: d.detection } : {}),
  };
}

type Models = typeof import('../models/trainer.ts') & typeof import('../models/scalingExperiment.ts') & typeof import('../models/exportTables.ts');
type Trainer = import('../models/trainer.ts').Trainer;

/**
 * A CTR run as the run loop steps it: loss points at fixed steps, validations on the trainer's
 * schedule, spectra (and DCNv2's interaction matrix) taken in the background, one at a time and
 * never awaited by the loop, and a final report with the best validation weights restored.
 */
function ctrSession(
  m: Models,
  t: Trainer,
  request: TrainRequest,
  backend: BackendName,
  backendState: BackendState,
  emit: (e: TrainingEvent) => void,
): RunSession<TrainerCheckpoint, FinalReport> {
  const batch = Math.min(request.train.batchSize, t.dataset.train.rows);
  const isCross = Boolean(t.model.crossWeights);
  let pending: Promise<void> | null = null;
  const snapshot = async (step: number) => {
    emit({ type: 'spectrum', step, sets: await t.spectrumSnapshot() });
    if (isCross) emit({ type: 'interaction', step, matrix: await t.interactionCollapse(0) });
  };
  // A snapshot still running when the next is due skips it.
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
  let lastSnapshot = 0;

  return {
    get step() {
      return t.state.step;
    },
    get done() {
      return t.state.done;
    },
    async start() {
      lastSnapshot = t.state.step;
      emit({ type: 'started', parameters: t.model.parameterCount(), stepsPerEpoch: t.state.stepsPerEpoch, backend, choice: backendChoiceOf(backendState) });
      await snapshot(t.state.step);
    },
    async advance(n, single) {
      const t0 = performance.now();
      const result = await t.runSteps(n);
      const ms = Math.max(1, performance.now() - t0);
      const { step } = t.state;
      if (result.steps > 0) {
        const points: LossPoint[] = [];
        result.losses.forEach((loss, i) => {
          const at = step - result.steps + 1 + i;
          open.sum += loss;
          open.count++;
          if (at % lossWindow === 0) closeWindow(at, points);
        });
        if (single || t.state.done) closeWindow(step, points);
        samplesPerSecond = (result.steps * batch * 1000) / ms;
        emitLoss(points);
      }
      for (const v of result.validations)
        emit({ type: 'eval', step: v.step, epoch: v.epoch, auc: v.auc, logloss: v.logloss, ...(v.gauc === undefined ? {} : { gauc: v.gauc }) });
      const every = request.spectrumEvery;
      if ((every > 0 && step - lastSnapshot >= every) || single) {
        lastSnapshot = step;
        snapshotInBackground(step);
      }
      return result.steps;
    },
    async settle() {
      const points: LossPoint[] = [];
      closeWindow(t.state.step, points);
      if (points.length > 0) emitLoss(points);
      await pending;
    },
    checkpoint: () => t.checkpoint(),
    restore: (c) => t.resume(c),
    async finish() {
      // The live charts end on the weights training ended with; the report then restores the best ones.
      await snapshot(t.state.step);
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
    },
    // The trainer stays after the run: its tables can still be exported.
    end() {},
  };
}

export function createTrainingService(prepareTf: () => Promise<void> = async () => {}): TrainingService {
  const host = createRunHost<Models>(prepareTf, () =>
    Promise.all([import('../models/trainer.ts'), import('../models/scalingExperiment.ts'), import('../models/exportTables.ts')]).then(([a, b, c]) => ({
      ...a,
      ...b,
      ...c,
    })),
  );

  let dataset: CtrDataset | null = null;
  /** Counts loads: a dataset loaded again is probed again. */
  let loads = 0;
  let trainer: Trainer | null = null;
  /** The load in progress, cancelled by cancelLoad or by a newer load. */
  let loading: AbortController | null = null;
  const disposeTrainer = () => {
    trainer?.dispose();
    trainer = null;
  };

  /** The training-shaped probe of a request: its model, on this dataset, at its batch size; keyed by model kind, dataset and batch. */
  const probeOf = async (d: CtrDataset, request: TrainRequest): Promise<RunProbe> => {
    const m = await host.engine();
    const batch = Math.min(request.train.batchSize, d.train.rows);
    return {
      key: `${loads}:${d.name}|${request.model.kind}|${batch}`,
      workload: () => ({
        label: `${modelName(request.model.kind)} on ${d.name}, batch ${batch}`,
        samplesPerStep: batch,
        shape: `${loads}:${d.name}|${batch}`,
        open() {
          // Never validates or ends: only steps are timed.
          const t = m.createTrainer(d, request.model, {
            ...request.train,
            epochs: Number.MAX_SAFE_INTEGER,
            evalEvery: Number.MAX_SAFE_INTEGER,
            earlyStopPatience: 0,
          });
          return {
            steps: async (n: number) => void (await t.runSteps(n)),
            dispose: () => t.dispose(),
          };
        },
      }),
    };
  };

  return {
    backends: host.backends,
    setBackend: host.setBackend,
    async load(source, onProgress) {
      if (host.busy) return { ok: false, error: BUSY };
      loading?.abort();
      const controller = new AbortController();
      loading = controller;
      try {
        const loaded = await loadDataset(source, onProgress, controller.signal);
        throwIfAborted(controller.signal);
        disposeTrainer();
        dataset = loaded;
        loads++;
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
    async probeTraining(request, changed) {
      if (!dataset || host.busy) return host.backends();
      return host.probeTraining(await probeOf(dataset, request), changed);
    },
    async train(request, onEvent) {
      const probe = dataset ? await probeOf(dataset, request).catch(() => undefined) : undefined;
      return host.run(
        async (m, backend, state) => {
          if (!dataset) throw new ImportError('empty', 'No dataset is loaded.', 'Choose a dataset first.');
          disposeTrainer();
          trainer = m.createTrainer(dataset, request.model, request.train);
          return ctrSession(m, trainer, request, backend, state, onEvent);
        },
        { ...request, maxChunk: MAX_CHUNK },
        onEvent,
        probe,
      );
    },
    pause: host.pause,
    resume: host.resume,
    step: host.step,
    stop: host.stop,
    async exportTables() {
      if (!trainer || !dataset) throw new Error('no trained model to export: train first');
      const m = await host.engine();
      const stem = `${dataset.name}-${trainer.model.config.kind}`.replace(/[^\w.-]+/g, '-');
      return { files: m.exportEmbeddingTables(await trainer.embeddingSnapshot(), dataset.fields, stem) };
    },
    dispose: disposeTrainer,
  };
}
