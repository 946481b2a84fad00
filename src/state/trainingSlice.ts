/** The Train view's share of the studio store: the form, live and saved runs, the scaling queue. */
import type { FieldResult } from '../contracts/tables.ts';
import type { DatasetIndexEntry } from '../data/ctr/datasetIndex.ts';
import type { TrainDefaults } from '../data/ctr/trainDefaults.ts';
import type { InteractionCollapse } from '../models/interactionCollapse.ts';
import type { ScalingPoint, ScalingVariant } from '../analysis/scalingPlan.ts';
import { DEFAULT_MODEL_CONFIG, type ModelConfig, type ModelKind, type TrainConfig } from '../contracts/modelConfig.ts';
import type { BackendChoice, BackendName, BackendState } from '../contracts/backend.ts';
import type { RunStatus } from '../contracts/run.ts';
import type { DatasetSummary, FinalReport, LossPoint } from '../workers/trainingProtocol.ts';

/** Everything a link needs to reproduce a run (see trainingUrl.ts). */
export interface TrainingForm {
  /** A built-in dataset id, or 'file' for a dropped file. */
  datasetId: string;
  kind: ModelKind;
  /** M embedding sets (1 = single embedding). */
  sets: number;
  /** Base embedding dim; the model's dim is dim x sizeMultiplier. */
  dim: number;
  sizeMultiplier: number;
  /** Hidden widths, e.g. "400-400". */
  mlp: string;
  lr: number;
  weightDecay: number;
  /** Dropout of the MLP's hidden layers. */
  dropout: number;
  batchSize: number;
  epochs: number;
  /** Validations without a better valid AUC before the run stops early; 0 = never. */
  patience: number;
  /** Validate every this many steps; 0 = each epoch. */
  evalEvery: number;
  seed: number;
  /** Spectrum snapshot every this many steps. */
  spectrumEvery: number;
}

/** The form's share of a dataset's training defaults (data/ctr/trainDefaults.ts). */
export type TrainDefaultsForm = Pick<TrainingForm, 'lr' | 'weightDecay' | 'dropout' | 'batchSize' | 'epochs' | 'patience' | 'evalEvery' | 'mlp' | 'dim'>;

export function formOfTrainDefaults(d: TrainDefaults): TrainDefaultsForm {
  return {
    lr: d.lr,
    weightDecay: d.weightDecay,
    dropout: d.dropout,
    batchSize: d.batchSize,
    epochs: d.epochs,
    patience: d.patience,
    evalEvery: d.evalEvery,
    mlp: d.mlp.join('-'),
    dim: d.dim,
  };
}

/**
 * The form on first load: the default dataset (synthetic-ctr-tiny) and model (DNN) with the
 * training defaults index.json states for them (trainingSlice.test.ts checks they agree).
 */
export const DEFAULT_TRAINING_FORM: TrainingForm = {
  datasetId: 'synthetic-ctr-tiny',
  kind: 'dnn',
  sets: 1,
  dim: DEFAULT_MODEL_CONFIG.embeddingDim,
  sizeMultiplier: 1,
  mlp: '64-32',
  lr: 1e-2,
  weightDecay: 0,
  dropout: 0,
  batchSize: 512,
  epochs: 20,
  patience: 2,
  evalEvery: 0,
  seed: 1,
  spectrumEvery: 25,
};

/** The form's MLP field as layer widths ('400-400'); RangeError when it is not. */
export function parseMlp(text: string): number[] {
  const widths = text
    .split(/[-,\s]+/)
    .filter(Boolean)
    .map(Number);
  if (widths.some((w) => !Number.isInteger(w) || w < 1)) throw new RangeError(`MLP "${text}" should be widths like 400-400`);
  return widths;
}

export function modelConfigOf(f: TrainingForm): ModelConfig {
  return {
    ...DEFAULT_MODEL_CONFIG,
    kind: f.kind,
    embeddingDim: f.dim * f.sizeMultiplier,
    embeddingSets: f.sets,
    mlp: parseMlp(f.mlp),
    dropout: f.dropout,
    seed: f.seed,
  };
}

export function trainConfigOf(f: TrainingForm): TrainConfig {
  return {
    lr: f.lr,
    weightDecay: f.weightDecay,
    batchSize: f.batchSize,
    epochs: f.epochs,
    earlyStopPatience: f.patience,
    evalEvery: f.evalEvery,
    seed: f.seed,
  };
}

export interface EvalPoint {
  step: number;
  auc: number;
  logloss: number;
}

/** One training run as the view shows it (live, or restored from storage). */
export interface TrainingRun {
  id: string;
  label: string;
  form: TrainingForm;
  datasetName: string;
  createdAt: number;
  status: RunStatus;
  message?: string;
  step: number;
  epoch: number;
  stepsPerEpoch: number;
  parameters: number;
  backend: BackendName | '';
  /** Why the run trains on `backend` (the probe's winner, or picked by hand); absent on runs saved before it was kept. */
  backendChoice?: BackendChoice;
  samplesPerSecond: number;
  losses: LossPoint[];
  evals: EvalPoint[];
  /** Per snapshot, per embedding set, per field. */
  spectra: { step: number; sets: FieldResult[][] }[];
  interaction: InteractionCollapse | null;
  final: FinalReport | null;
  /** Synthetic data: the Bayes AUC of its test split. */
  bayesAuc?: number;
  /** The step of the checkpoint stored for this unfinished run (it can resume from there). */
  savedStep?: number;
}

export interface ScalingSettings {
  kind: ModelKind;
  baseDim: number;
  sizes: number[];
  variants: ScalingVariant[];
  epochs: number;
  /** Seeds per point: the form's seed and the next ones; points are their mean, bars ±1 sd. */
  seeds: number;
}

export interface ScalingQueue {
  settings: ScalingSettings;
  phase: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  /** 0-based index of the run in progress. */
  index: number;
  total: number;
  current: string;
  currentAuc: number;
  points: ScalingPoint[];
}

export interface DatasetLoad {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  key: string;
  summary: DatasetSummary | null;
  bytesDone: number;
  bytesTotal: number;
  error: string | null;
}

export interface TrainingSlice {
  trainingForm: TrainingForm;
  datasetIndex: DatasetIndexEntry[];
  datasetFile: File | null;
  datasetLoad: DatasetLoad;
  trainingBackend: BackendState | null;
  /** The training-shaped backend probe is running in the worker. */
  trainingProbing: boolean;
  trainingRuns: TrainingRun[];
  activeRunId: string | null;
  /** Up to two run ids overlaid in the comparison. */
  compareRunIds: string[];
  scaling: ScalingQueue;

  setTrainingForm(patch: Partial<TrainingForm>): void;
  setDatasetIndex(entries: DatasetIndexEntry[]): void;
  setDatasetFile(file: File | null): void;
  setDatasetLoad(patch: Partial<DatasetLoad>): void;
  setTrainingBackend(state: BackendState | null): void;
  setTrainingProbing(probing: boolean): void;
  addTrainingRun(run: TrainingRun): void;
  updateTrainingRun(id: string, update: (run: TrainingRun) => Partial<TrainingRun>): void;
  removeTrainingRun(id: string): void;
  setActiveRun(id: string | null): void;
  toggleCompareRun(id: string): void;
  setScaling(patch: Partial<ScalingQueue>): void;
}

export const DEFAULT_SCALING: ScalingQueue = {
  settings: { kind: 'dnn', baseDim: 4, sizes: [1, 2, 3, 4, 10], variants: ['single', 'multi'], epochs: 10, seeds: 1 },
  phase: 'idle',
  index: 0,
  total: 0,
  current: '',
  currentAuc: NaN,
  points: [],
};

/** Keeps the two most recently picked runs. */
export function toggleCompare(ids: string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2);
}

type SetState = (update: (s: TrainingSlice) => Partial<TrainingSlice>) => void;

export function createTrainingSlice(set: SetState): TrainingSlice {
  return {
    trainingForm: DEFAULT_TRAINING_FORM,
    datasetIndex: [],
    datasetFile: null,
    datasetLoad: { phase: 'idle', key: '', summary: null, bytesDone: 0, bytesTotal: 0, error: null },
    trainingBackend: null,
    trainingProbing: false,
    trainingRuns: [],
    activeRunId: null,
    compareRunIds: [],
    scaling: DEFAULT_SCALING,

    setTrainingForm: (patch) => set((s) => ({ trainingForm: { ...s.trainingForm, ...patch } })),
    setDatasetIndex: (entries) => set(() => ({ datasetIndex: entries })),
    setDatasetFile: (file) => set(() => ({ datasetFile: file })),
    setDatasetLoad: (patch) => set((s) => ({ datasetLoad: { ...s.datasetLoad, ...patch } })),
    setTrainingBackend: (state) => set(() => ({ trainingBackend: state })),
    setTrainingProbing: (probing) => set(() => ({ trainingProbing: probing })),
    addTrainingRun: (run) => set((s) => ({ trainingRuns: [...s.trainingRuns.filter((r) => r.id !== run.id), run], activeRunId: run.id })),
    updateTrainingRun: (id, update) => set((s) => ({ trainingRuns: s.trainingRuns.map((r) => (r.id === id ? { ...r, ...update(r) } : r)) })),
    removeTrainingRun: (id) =>
      set((s) => ({
        trainingRuns: s.trainingRuns.filter((r) => r.id !== id),
        activeRunId: s.activeRunId === id ? null : s.activeRunId,
        compareRunIds: s.compareRunIds.filter((x) => x !== id),
      })),
    setActiveRun: (id) => set(() => ({ activeRunId: id })),
    toggleCompareRun: (id) => set((s) => ({ compareRunIds: toggleCompare(s.compareRunIds, id) })),
    setScaling: (patch) => set((s) => ({ scaling: { ...s.scaling, ...patch } })),
  };
}
