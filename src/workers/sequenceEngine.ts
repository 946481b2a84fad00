/**
 * The sequence worker's tfjs side: the family's trainer (models/sequence) with section 4's
 * read-outs over it: the learned correlation of its attention tables beside the ground truth
 * (analysis/learnedCorrelation.ts), search quality on test samples (analysis/searchQuality.ts)
 * and, for a coupled model, the attention/representation gradient conflict and domination
 * (analysis/attentionRepresentationGradients.ts) accumulated over the run.
 */
import { cosineHistogram, dominationOverSteps, type RoleGradientObservation } from '../analysis/attentionRepresentationGradients.ts';
import { correlationMethod, learnedCorrelationMaps, spearman } from '../analysis/learnedCorrelation.ts';
import { DEFAULT_SEARCH_K, searchQuality } from '../analysis/searchQuality.ts';
import type { SequenceDataset, SequenceTrainSettings } from '../contracts/sequence.ts';
import { sliceSamples } from '../data/sequence/sequenceSamplesBuilder.ts';
import { isCoupled } from '../models/sequence/sequenceModel.ts';
import { createSequenceTrainer, type SequenceCheckpoint } from '../models/sequence/sequenceTrainer.ts';
import type { SeqGradientConflict } from './sequenceProtocol.ts';
import type { SeqEngine, SeqTrainer, SeqTruth } from './sequenceService.ts';

/** Test samples whose search quality is read at each snapshot (the first ones of the split). */
export const SEARCH_SAMPLES = 512;
export const COSINE_BINS = 20;
/** A coupled run observes its gradients on about this many steps. */
export const OBSERVED_STEPS = 400;

/** What the run keeps of the observed gradients between read-outs (it travels in the checkpoint). */
interface GradientTotals {
  counts: number[];
  perCategory: Record<number, { sum: number; rows: number }>;
}

interface EngineCheckpoint {
  model: SequenceCheckpoint;
  gradients: GradientTotals;
  /** Observed since the last read-out: the next read-out's window (absent in checkpoints made before it was kept). */
  window?: RoleGradientObservation[];
}

const emptyTotals = (): GradientTotals => ({ counts: new Array<number>(COSINE_BINS).fill(0), perCategory: {} });

/** Adds a window of observations to the run's totals and reads the conflict out (pure; exported for tests). */
export function accumulateConflict(
  totals: GradientTotals,
  window: readonly RoleGradientObservation[],
  categories: readonly { id: number; name: string }[],
): SeqGradientConflict {
  const recent = cosineHistogram(
    window.flatMap((o) => Array.from(o.cosine)),
    COSINE_BINS,
  );
  recent.counts.forEach((c, b) => (totals.counts[b] += c));
  for (const o of window)
    o.rows.forEach((row, i) => {
      const c = o.cosine[i];
      if (!Number.isFinite(c)) return;
      const e = (totals.perCategory[row] ??= { sum: 0, rows: 0 });
      e.sum += c;
      e.rows++;
    });
  const total = totals.counts.reduce((a, b) => a + b, 0);
  const below = totals.counts.slice(0, COSINE_BINS / 2).reduce((a, b) => a + b, 0);
  const domination = dominationOverSteps(window);
  const meanA = domination.reduce((a, d) => a + (Number.isFinite(d.meanAttentionNorm) ? d.meanAttentionNorm : 0), 0);
  const meanR = domination.reduce((a, d) => a + (Number.isFinite(d.meanRepresentationNorm) ? d.meanRepresentationNorm : 0), 0);
  return {
    edges: Array.from(recent.edges),
    counts: [...totals.counts],
    conflictingShare: total > 0 ? below / total : NaN,
    recentShare: recent.conflictingShare,
    perCategory: categories.map(({ id, name }) => {
      const e = totals.perCategory[id];
      return { category: name, meanCosine: e && e.rows > 0 ? e.sum / e.rows : NaN, rows: e?.rows ?? 0 };
    }),
    normRatio: meanA > 0 ? meanR / meanA : NaN,
  };
}

export function createSeqTrainer(data: SequenceDataset, settings: SequenceTrainSettings, truth: SeqTruth): SeqTrainer {
  const coupled = isCoupled(settings.model);
  // Observed on about OBSERVED_STEPS steps of the run: reading the gradients back costs, and the charts show windows of steps.
  const totalSteps = settings.epochs * Math.floor(data.train.count / Math.max(1, Math.min(settings.batchSize, data.train.count)));
  const t = createSequenceTrainer(data, settings, { observeGradients: coupled, observeEvery: Math.max(1, Math.floor(totalSteps / OBSERVED_STEPS)) });
  const g = truth.summary;
  const topCategories = g.categoryIds.map((id, i) => ({ id, name: g.categories[i] }));
  const searchSet = sliceSamples(data.test, 0, Math.min(SEARCH_SAMPLES, data.test.count));
  let totals = emptyTotals();
  /** Observations drained from the trainer since the last read-out (a checkpoint drains them too, and keeps them). */
  let window: RoleGradientObservation[] = [];
  const drain = () => {
    window = window.concat(t.gradientObservations().category);
    return window;
  };

  const correlation = () => {
    const tables = t.tables();
    const positions = Math.min(g.positions, tables.position.rows - 1);
    if (positions < 1 || g.categoryIds.length === 0) return null;
    const maps = learnedCorrelationMaps(
      correlationMethod(settings.model),
      { categories: tables.attentionCategory, positions: tables.position },
      g.categoryIds,
      positions,
    );
    const N = g.categoryIds.length;
    // With a history shorter than the ground truth's positions, the columns past it are NaN (and left out of ρ).
    const widen = (m: ArrayLike<number>) =>
      Array.from({ length: N * g.positions }, (_, k) => (k % g.positions < positions ? m[Math.floor(k / g.positions) * positions + (k % g.positions)] : NaN));
    const within = (m: readonly number[]) => m.filter((_, k) => k % g.positions < positions);
    const learned = maps.map(widen);
    return { learned, spearman: learned.map((m, i) => spearman(within(m), within(g.targets[i].mi))) };
  };

  const search = () => {
    if (searchSet.count === 0) return null;
    const scores = t.attentionScores(searchSet);
    const q = searchQuality(
      searchSet,
      (a, b, p) => truth.mi(a, b, p),
      (i) => scores[i],
      DEFAULT_SEARCH_K,
    );
    return { k: q.k, overlap: q.overlap, miCaptured: q.captured };
  };

  return {
    get steps() {
      return t.steps;
    },
    get epochs() {
      return t.epochs;
    },
    totalSteps: t.totalSteps,
    parameters: t.parameters,
    trainStep: () => t.step().loss,
    evaluate() {
      const m = t.evaluate(data.test);
      return { auc: m.auc, logloss: m.logloss, gauc: m.gauc, searchMs: t.searchMsPerBatch };
    },
    readOut() {
      const observed = drain();
      window = [];
      const gradient = coupled ? accumulateConflict(totals, observed, topCategories) : null;
      return { correlation: correlation(), search: search(), gradient };
    },
    // The steps observed since the last read-out travel too: a resumed run does not train them again, so they would be missing from its histogram.
    checkpoint: (): EngineCheckpoint => ({ model: t.checkpoint(), gradients: structuredClone(totals), window: structuredClone(drain()) }),
    restore(c) {
      const e = c as EngineCheckpoint;
      t.restore(e.model);
      totals = structuredClone(e.gradients);
      window = structuredClone(e.window ?? []);
    },
    dispose: () => t.dispose(),
  };
}

export const sequenceEngine: SeqEngine = { createTrainer: createSeqTrainer };
