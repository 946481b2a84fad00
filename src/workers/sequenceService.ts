/**
 * What the sequence worker does, free of worker plumbing so Node tests can drive it: read a
 * behaviour-sequence dataset (a built-in one or a dropped file, cancellable), compute its
 * ground-truth correlation once, and train one sequence model through the one run loop
 * (runHost.ts), streaming its loss, test metrics and section 4's read-outs. The tfjs side (the
 * trainer and the read-outs over its tables) and the readers come in through SeqEngine and
 * SeqDataAccess, so this file holds only what the family's run adds to the loop.
 */
import type { BackendName } from '../contracts/backend.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { SequenceDataset, SequenceSamples, SequenceTrainSettings } from '../contracts/sequence.ts';
import { isAbortError } from '../data/abort.ts';
import { ImportError } from '../data/importError.ts';
import { toSerializedError } from './analysisErrors.ts';
import { BUSY, createRunHost, type RunSession } from './runHost.ts';
import type {
  SeqCheckpoint,
  SeqDatasetSource,
  SeqDatasetSummary,
  SeqEvent,
  SeqGroundTruth,
  SeqLoadOutcome,
  SeqLoadProgress,
  SeqLossPoint,
  SeqReport,
  SeqSnapshot,
  SeqTrainRequest,
  SequenceClient,
} from './sequenceProtocol.ts';

/** One sequence model in training, as the run needs it (the engine adapts the family's trainer). */
export interface SeqTrainer {
  readonly steps: number;
  readonly epochs: number;
  /** Steps of the whole run (epochs x batches per epoch). */
  readonly totalSteps: number;
  readonly parameters: number;
  /** One batch; answers its training loss. */
  trainStep(): number;
  /** Test AUC, logloss, gAUC, and the search stage's measured time per batch (NaN without one). */
  evaluate(): { auc: number; logloss: number; gauc: number; searchMs: number };
  /** Learned correlation, search quality and gradient conflict (section 4) at this step. */
  readOut(): Omit<SeqSnapshot, 'step'>;
  checkpoint(): unknown;
  restore(checkpoint: unknown): void;
  dispose(): void;
}

/** A dataset's ground truth: the top-N heatmaps the view shows, and the MI of any (target, behaviour, position) for search quality. */
export interface SeqTruth {
  summary: SeqGroundTruth;
  /** Bits; position 1 = the most recent behaviour. */
  mi(targetCategory: number, behaviourCategory: number, position: number): number;
}

/** The family's tfjs side, loaded lazily in the worker. */
export interface SeqEngine {
  createTrainer(data: SequenceDataset, settings: SequenceTrainSettings, truth: SeqTruth): SeqTrainer;
}

/** The readers and the ground truth (no tfjs). */
export interface SeqDataAccess {
  fetchBuiltIn(url: string, name: string, signal: AbortSignal, onProgress: (p: SeqLoadProgress) => void): Promise<SequenceDataset>;
  readFile(file: Blob & { name: string }, signal: AbortSignal, onProgress: (p: SeqLoadProgress) => void): Promise<SequenceDataset>;
  generate(source: Extract<SeqDatasetSource, { kind: 'generated' }>, signal: AbortSignal, onProgress: (p: SeqLoadProgress) => void): Promise<SequenceDataset>;
  /** Gives the event loop turns, so `signal` (Stop) cancels it with an AbortError. */
  groundTruth(data: SequenceDataset, signal: AbortSignal, onProgress: (p: SeqLoadProgress) => void): Promise<SeqTruth>;
}

export type SequenceService = SequenceClient;

const MAX_CHUNK = 64;
/** Loss points over a run: one per this many steps (fixed steps, so a resumed run's curve repeats). */
const LOSS_POINTS = 100;

const CANCELLED: SerializedImportError = { code: 'cancelled', message: 'Reading the dataset was cancelled.', fix: 'Choose it again when you are ready.' };

function historyMean(s: SequenceSamples): number {
  return s.count > 0 ? s.histOffsets[s.count] / s.count : 0;
}

export function summarizeSequences(d: SequenceDataset, groundTruth: SeqGroundTruth): SeqDatasetSummary {
  let positives = 0;
  for (let i = 0; i < d.train.count; i++) positives += d.train.labels[i];
  return {
    name: d.source,
    rows: { train: d.train.count, test: d.test.count },
    positiveRate: d.train.count > 0 ? positives / d.train.count : NaN,
    items: d.itemVocabulary - 1,
    categories: d.categoryVocabulary - 1,
    maxHistory: d.maxHistory,
    meanHistory: historyMean(d.train),
    ...(d.bayesTestAuc !== undefined ? { bayesAuc: d.bayesTestAuc } : {}),
    groundTruth,
  };
}

/**
 * A sequence run as the loop steps it. Chunks stop at the snapshot and evaluation steps, and loss
 * points close at fixed steps, so every read-out sits at a step that does not depend on the
 * machine's speed and a resumed run draws the same curves as one never interrupted.
 */
export function sequenceSession(
  trainer: SeqTrainer,
  request: SeqTrainRequest,
  backend: BackendName,
  emit: (e: SeqEvent) => void,
): RunSession<SeqCheckpoint, SeqReport> {
  const total = trainer.totalSteps;
  const lossEvery = Math.max(1, Math.round(total / LOSS_POINTS));
  let open = { count: 0, sum: 0 };
  let lastEval = -1;
  let lastSnapshot = -1;
  let searchMs = NaN;
  let last = { auc: NaN, logloss: NaN };
  const evaluate = (step: number) => {
    lastEval = step;
    const m = trainer.evaluate();
    searchMs = m.searchMs;
    last = { auc: m.auc, logloss: m.logloss };
    emit({ type: 'metrics', point: { step, auc: m.auc, logloss: m.logloss, gauc: m.gauc } });
  };
  const snapshot = (step: number) => {
    lastSnapshot = step;
    emit({ type: 'snapshot', snapshot: { step, ...trainer.readOut() } });
  };
  const due = (step: number, every: number) => every > 0 && step % every === 0;
  const toNextReadOut = (step: number) => {
    const next = (every: number) => (every > 0 ? every - (step % every) : Infinity);
    return Math.min(next(request.snapshotEvery), next(request.evalEvery), total - step);
  };

  return {
    get step() {
      return trainer.steps;
    },
    get done() {
      return trainer.steps >= total;
    },
    async start() {
      emit({ type: 'started', backend, parameters: trainer.parameters, stepsTotal: total });
      // The untrained model's read-outs: where the curves start.
      if (trainer.steps === 0) {
        snapshot(0);
        evaluate(0);
      }
    },
    async advance(chunk) {
      const n = Math.min(chunk, toNextReadOut(trainer.steps));
      const points: SeqLossPoint[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        open.sum += trainer.trainStep();
        open.count++;
        const at = trainer.steps;
        if (at % lossEvery === 0 || at === total) {
          points.push({ step: at, loss: open.sum / open.count });
          open = { count: 0, sum: 0 };
        }
      }
      const ms = Math.max(1, performance.now() - t0);
      const step = trainer.steps;
      emit({ type: 'progress', step, epoch: trainer.epochs, points, samplesPerSecond: (n * request.batchSize * 1000) / ms });
      const end = step >= total;
      if (due(step, request.snapshotEvery) || end) snapshot(step);
      if (due(step, request.evalEvery) || end) evaluate(step);
      return n;
    },
    // The open loss window travels in the checkpoint instead of closing early: the curve stays the uninterrupted one.
    async settle() {},
    async checkpoint() {
      return { trainer: trainer.checkpoint(), lossWindow: { ...open } };
    },
    async restore(c) {
      trainer.restore(c.trainer);
      open = { ...c.lossWindow };
    },
    async finish(stopped) {
      const step = trainer.steps;
      if (stopped && step > lastSnapshot) snapshot(step);
      if ((stopped && step > lastEval) || Number.isNaN(last.auc)) evaluate(step);
      return { step, testAuc: last.auc, testLogloss: last.logloss, searchMs };
    },
    end() {
      trainer.dispose();
    },
  };
}

export function createSequenceService(options: {
  prepareTf?: () => Promise<void>;
  importEngine: () => Promise<SeqEngine>;
  data: SeqDataAccess;
}): SequenceService {
  const host = createRunHost<SeqEngine>(options.prepareTf ?? (async () => {}), options.importEngine);
  let loaded: { dataset: SequenceDataset; truth: SeqTruth } | null = null;
  let loading: AbortController | null = null;
  const current = () => {
    if (loading) throw new ImportError('empty', 'A sequence dataset is still loading.', 'Wait for it to finish, or cancel it.');
    if (!loaded) throw new ImportError('empty', 'No sequence dataset is loaded.', 'Choose a dataset first.');
    return loaded;
  };

  return {
    backends: host.backends,
    setBackend: host.setBackend,
    async load(source: SeqDatasetSource, onProgress): Promise<SeqLoadOutcome> {
      if (host.busy) return { ok: false, error: BUSY };
      loading?.abort();
      // A built-in or generated dataset replaces the previous one at once: it is not kept beside the new one
      // while that is made (at 12,000 users each holds 200-340 MB of histories). A dropped file is read beside
      // it, so a file that turns out bad or is cancelled loses nothing the user had. No run starts meanwhile.
      const previous = loaded;
      if (source.kind !== 'file') loaded = null;
      const abort = new AbortController();
      loading = abort;
      try {
        const read =
          source.kind === 'url'
            ? await options.data.fetchBuiltIn(source.url, source.name, abort.signal, onProgress)
            : source.kind === 'generated'
              ? await options.data.generate(source, abort.signal, onProgress)
              : await options.data.readFile(source.file, abort.signal, onProgress);
        const bayes = source.kind === 'url' ? source.bayesAuc : undefined;
        const dataset = read.bayesTestAuc === undefined && bayes !== undefined ? { ...read, bayesTestAuc: bayes } : read;
        onProgress({ phase: 'ground truth', done: 0, total: 0 });
        const truth = await options.data.groundTruth(dataset, abort.signal, onProgress);
        if (abort.signal.aborted) throw new DOMException('Cancelled', 'AbortError');
        loaded = { dataset, truth };
        return { ok: true, summary: summarizeSequences(dataset, truth.summary) };
      } catch (e) {
        if (loading === abort) loaded = source.kind === 'file' ? previous : null;
        return { ok: false, error: isAbortError(e) ? CANCELLED : toSerializedError(e) };
      } finally {
        if (loading === abort) loading = null;
      }
    },
    train(request, onEvent) {
      return host.run(
        async (engine, backend) => {
          const { dataset, truth } = current();
          return sequenceSession(engine.createTrainer(dataset, request, truth), request, backend, onEvent);
        },
        { ...request, maxChunk: MAX_CHUNK },
        onEvent,
      );
    },
    pause: host.pause,
    resume: host.resume,
    step: host.step,
    // Stop cancels a read in progress too.
    stop() {
      loading?.abort();
      host.stop();
    },
  };
}
