/**
 * Messages between the Multi-task view and its worker: a multi-task model trained with Adam and,
 * side by side on the same data and seed, with AdaTask; per-task metrics, task dominance (rAU),
 * gradient conflict and entanglement, and RecScope's conflict-pair measure. Every payload is
 * plain arrays so it goes into IndexedDB and JSON exports unchanged.
 */
import type { RunControls, RunEvent, RunOptions, RunOutcome } from '../contracts/run.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { MtlArm, MtlTrainSettings } from '../contracts/multitaskConfig.ts';
import type { MultiTaskCheckpoint, TaskMetrics } from '../models/multitask/multiTaskTrainer.ts';
import type { BackendName, BackendState } from '../contracts/backend.ts';

export type MtlDatasetSource =
  | { kind: 'url'; url: string; name: string }
  /** A dropped multi-label CSV/TSV; labelColumns in task order (default: detected). */
  | { kind: 'csv'; file: File; labelColumns?: string[] };

/** A dropped CSV's columns, so the user can pick the label columns before loading. */
export interface MtlCsvPreview {
  fileName: string;
  header: string[];
  /** Columns whose values are all 0/1 in the first lines, in column order. */
  binary: string[];
  /** What the loader would pick by itself. */
  detected: string[];
}

export interface MtlDatasetSummary {
  name: string;
  tasks: string[];
  fields: { name: string; cardinality: number }[];
  rows: { train: number; valid: number; test: number };
  /** Positive rate of each task on the training split. */
  positiveRates: number[];
  /** Share of test rows whose labels agree across tasks (STEM's comparable samples). */
  comparableShare: number;
  /** Whether the conflict-pair measure can run (needs fields named like user and item, and 2+ tasks). */
  hasUserItem: boolean;
}

/** `resumeFrom` needs the same model, optimisers, dataset and batch size. */
export interface MtlTrainRequest extends MtlTrainSettings, RunOptions<MtlCheckpoint> {
  /** Dominance, cosine and entanglement every this many steps. */
  snapshotEvery: number;
  /** Test metrics every this many steps (and at the end). */
  evalEvery: number;
}

/** One task's test metrics (gauc NaN when the split has no groups). */
export type MtlTaskMetrics = TaskMetrics;

export interface MtlLayerDominance {
  layer: string;
  parameters: number;
  meanRau: number[];
  argmaxShare: number[];
  /** Per task, counts of rAU in equal bins on [0, 1]. */
  histogram: number[][];
}

export interface MtlLayerCosine {
  layer: string;
  /** T x T row-major; NaN where a task's gradient was zero. */
  cosine: number[];
}

/** One arm's diagnostics at a step. */
export interface MtlArmSnapshot {
  dominance: MtlLayerDominance[];
  cosine: MtlLayerCosine[];
  /** Per field of the shared embedding: mean row cosine of the first two tasks' gradients (NaN: no row got both). */
  entanglement: number[];
}

/** Mean loss of each arm's tasks over the steps since the previous point. */
export interface MtlLossPoint {
  step: number;
  losses: Record<MtlArm, number[]>;
}

/** Both arms' trainers, and the loss window still open at the checkpoint's step. */
export interface MtlCheckpoint {
  arms: Record<MtlArm, MultiTaskCheckpoint>;
  lossWindow: { count: number; sums: Record<MtlArm, number[]> };
}

/** What only a multi-task run reports; the run loop adds status and checkpoint (it has no final report). */
export type MtlRunEvent =
  | { type: 'started'; tasks: string[]; fields: string[]; layers: string[]; backend: BackendName; parameters: number }
  | { type: 'progress'; step: number; epoch: number; points: MtlLossPoint[]; stepsPerSecond: number }
  | { type: 'snapshot'; step: number; arms: Record<MtlArm, MtlArmSnapshot> }
  | { type: 'metrics'; step: number; all: Record<MtlArm, MtlTaskMetrics[]>; comparable: Record<MtlArm, MtlTaskMetrics[]> };

export type MtlEvent = RunEvent<MtlRunEvent, MtlCheckpoint, never>;

export interface MtlConflictRequest {
  /** Steps of each model (single-task baseline, shared-bottom, MMoE, PLE, STEM). */
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
  taskA: number;
  taskB: number;
}

export interface MtlConflictProgress {
  model: string;
  index: number;
  total: number;
  step: number;
  steps: number;
}

export interface MtlDistanceHistogram {
  edges: number[];
  conflict: number[];
  other: number[];
  band: ('bottom' | 'middle' | 'top')[];
  p40: number;
  p60: number;
}

export interface MtlModelDistances {
  name: string;
  /** Tables read for task A and B ('shared' twice for a shared embedding). */
  tables: [string, string];
  histogramA: MtlDistanceHistogram;
  histogramB: MtlDistanceHistogram;
  /** Joint histogram over conflict pairs of (distance under A's table, under B's). */
  joint: { xEdges: number[]; yEdges: number[]; bins: number; counts: number[] };
  /** Share of conflict pairs placed far for A (above P60) and near for B (at or below P40). */
  separated: number;
}

export interface MtlConflictResult {
  tasks: [string, string];
  pairs: number;
  conflictPairs: number;
  steps: number;
  models: MtlModelDistances[];
}

export type MtlLoadOutcome = { ok: true; summary: MtlDatasetSummary } | { ok: false; error: SerializedImportError };
export type MtlTrainOutcome = RunOutcome<never>;
export type MtlConflictOutcome = { ok: true; result: MtlConflictResult } | { ok: false; error: SerializedImportError };

export interface MultitaskClient extends RunControls {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  previewCsv(file: File): Promise<MtlCsvPreview | { error: SerializedImportError }>;
  load(source: MtlDatasetSource): Promise<MtlLoadOutcome>;
  train(request: MtlTrainRequest, onEvent: (e: MtlEvent) => void): Promise<MtlTrainOutcome>;
  measureConflicts(request: MtlConflictRequest, onProgress: (p: MtlConflictProgress) => void): Promise<MtlConflictOutcome>;
}
