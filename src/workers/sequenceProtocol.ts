/**
 * Messages between the Sequences view and its worker: a behaviour-sequence dataset (built in or a
 * dropped file read in the worker), its ground-truth correlation, and one sequence model trained
 * through the run loop, streaming its loss, test metrics and the read-outs of SCIENCE.md section 4
 * (learned correlation beside the ground truth, search quality, attention/representation gradient
 * conflict). Every payload is plain arrays so it goes into IndexedDB and JSON exports unchanged.
 */
import type { BackendName, BackendState } from '../contracts/backend.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { RunControls, RunEvent, RunOptions, RunOutcome } from '../contracts/run.ts';
import type { SequenceTrainSettings } from '../contracts/sequence.ts';
import type { SyntheticSequenceConfig } from '../data/sequence/syntheticSequences.ts';

export type SeqDatasetSource =
  /** A built-in dataset; its Bayes AUC comes from the dataset index. */
  | { kind: 'url'; url: string; name: string; bayesAuc?: number }
  /**
   * A built-in synthetic dataset generated in the worker from its seeded generator, histories kept
   * to their most recent `keepHistory` behaviours (the labels are the full generator's); its Bayes
   * AUC is computed from the true probabilities.
   */
  | { kind: 'generated'; config: SyntheticSequenceConfig; keepHistory: number; name: string }
  /** A dropped Taobao UserBehavior.csv, sequence-sample CSV or CTR CSV with a behaviour-sequence column. */
  | { kind: 'file'; file: File };

/** Reading a dataset: bytes or rows so far (of a total when known). */
export interface SeqLoadProgress {
  phase: string;
  done: number;
  /** 0 when unknown. */
  total: number;
}

/** The ground-truth mutual information (bits) of section 4, for the top-N target categories. */
export interface SeqGroundTruth {
  /** The top-N categories' names: the heatmaps' rows, and the targets in this order. */
  categories: string[];
  /** Their ids in the dataset. */
  categoryIds: number[];
  /** Columns are positions 1..positions. */
  positions: number;
  targets: {
    category: string;
    positives: number;
    negatives: number;
    /** N x P row-major (behaviour category x position), bits, not normalised. */
    mi: number[];
  }[];
}

export interface SeqDatasetSummary {
  name: string;
  rows: { train: number; test: number };
  positiveRate: number;
  items: number;
  categories: number;
  maxHistory: number;
  meanHistory: number;
  /** Known for synthetic data only. */
  bayesAuc?: number;
  groundTruth: SeqGroundTruth;
}

/** `resumeFrom` needs the same model, dataset and batch size. */
export interface SeqTrainRequest extends SequenceTrainSettings, RunOptions<SeqCheckpoint> {
  /** Learned correlation, search quality and gradient read-outs every this many steps (and at the end). */
  snapshotEvery: number;
  /** Test metrics every this many steps (and at the end). */
  evalEvery: number;
}

export interface SeqLossPoint {
  step: number;
  /** Mean training BCE over the steps since the previous point. */
  loss: number;
}

export interface SeqMetricsPoint {
  step: number;
  auc: number;
  logloss: number;
  /** NaN when no user has both labels. */
  gauc: number;
}

/** The model's learned correlation (section 4) for each ground-truth target category. */
export interface SeqCorrelation {
  /** One N x P row-major matrix per target of SeqGroundTruth.targets, min-max normalised. */
  learned: number[][];
  /** Spearman rank correlation of each learned matrix with its ground truth. */
  spearman: number[];
}

/** DARE's search-quality read-out on test samples. */
export interface SeqSearchQuality {
  k: number;
  /** Mean share of the ground-truth top-k in the model's top-k. */
  overlap: number;
  /** Mean ground-truth MI the model's top-k captures over the best possible. */
  miCaptured: number;
}

/** Attention vs representation gradients on the shared category rows (coupled models only). */
export interface SeqGradientConflict {
  /** Histogram of cos(g_attn, g_repr) per category row and step, over the run so far (bins on [-1, 1]). */
  edges: number[];
  counts: number[];
  /** Share of those cosines below 0 (conflicting). */
  conflictingShare: number;
  /** The share over the steps since the previous read-out only (the share over steps). */
  recentShare: number;
  /** Mean cosine per ground-truth top category (the heatmaps' rows), over the run so far. */
  perCategory: { category: string; meanCosine: number; rows: number }[];
  /** Domination: mean ||g_repr|| / mean ||g_attn|| over the category rows since the previous read-out (> 1: representation dominates). */
  normRatio: number;
}

export interface SeqSnapshot {
  step: number;
  correlation: SeqCorrelation | null;
  search: SeqSearchQuality | null;
  /** Null for DARE: its attention and representation tables are separate. */
  gradient: SeqGradientConflict | null;
}

/** The last read-outs of a finished run. */
export interface SeqReport {
  step: number;
  testAuc: number;
  testLogloss: number;
  /** Measured time of the search stage per batch of the test evaluation (ms); NaN for models without one. */
  searchMs: number;
}

/** The trainer's state and the loss window still open at the checkpoint's step. */
export interface SeqCheckpoint {
  trainer: unknown;
  lossWindow: { count: number; sum: number };
}

/** What only a sequence run reports; the run loop adds status, checkpoint and final. */
export type SeqRunEvent =
  | { type: 'started'; backend: BackendName; parameters: number; stepsTotal: number }
  | { type: 'progress'; step: number; epoch: number; points: SeqLossPoint[]; samplesPerSecond: number }
  | { type: 'metrics'; point: SeqMetricsPoint }
  | { type: 'snapshot'; snapshot: SeqSnapshot };

export type SeqEvent = RunEvent<SeqRunEvent, SeqCheckpoint, SeqReport>;

export type SeqLoadOutcome = { ok: true; summary: SeqDatasetSummary } | { ok: false; error: SerializedImportError };
export type SeqTrainOutcome = RunOutcome<SeqReport>;

export interface SequenceClient extends RunControls {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  /** Reads the dataset in the worker (the stop control cancels it) and computes its ground truth. */
  load(source: SeqDatasetSource, onProgress: (p: SeqLoadProgress) => void): Promise<SeqLoadOutcome>;
  train(request: SeqTrainRequest, onEvent: (e: SeqEvent) => void): Promise<SeqTrainOutcome>;
}
