/** The Multi-task view's share of the studio store: the form, the dataset, the live run and the conflict measure. */
import type { RunStatus } from '../contracts/run.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { BackendName } from '../contracts/backend.ts';
import type {
  MtlArmSnapshot,
  MtlConflictProgress,
  MtlConflictResult,
  MtlCsvPreview,
  MtlDatasetSummary,
  MtlEvent,
  MtlTaskMetrics,
} from '../workers/multitaskProtocol.ts';
import type { MtlArm, MtlTrainSettings } from '../contracts/multitaskConfig.ts';

/** Everything a link needs to reproduce a run (see multitaskUrl.ts). */
export interface MultitaskForm extends MtlTrainSettings {
  /** A built-in dataset id, or 'file' for a dropped CSV. */
  datasetId: string;
  /** Steps of each model in the conflict-pair measure. */
  conflictSteps: number;
}

export const DEFAULT_MULTITASK_FORM: MultitaskForm = {
  datasetId: 'synthetic-mtl-small',
  model: 'shared-bottom',
  alternative: 'adatask',
  beta: 0.9,
  lr: 3e-3,
  batchSize: 256,
  steps: 200,
  seed: 1,
  conflictSteps: 120,
};

export const MTL_FILE_DATASET = 'file';

export interface MtlSnapshot {
  step: number;
  arms: Record<MtlArm, MtlArmSnapshot>;
}

export interface MtlMetricsPoint {
  step: number;
  all: Record<MtlArm, MtlTaskMetrics[]>;
  comparable: Record<MtlArm, MtlTaskMetrics[]>;
}

export interface MtlRun {
  id: string;
  label: string;
  form: MultitaskForm;
  datasetName: string;
  createdAt: number;
  status: RunStatus;
  message?: string;
  /** The step of the checkpoint stored with the run (it can resume from there); absent when none is. */
  savedStep?: number;
  step: number;
  epoch: number;
  stepsPerSecond: number;
  backend: BackendName | '';
  sharedParameters: number;
  tasks: string[];
  fields: string[];
  layers: string[];
  losses: { step: number; losses: Record<MtlArm, number[]> }[];
  snapshots: MtlSnapshot[];
  metrics: MtlMetricsPoint[];
}

export interface MtlDatasetState {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  /** Dataset id or file name the summary belongs to. */
  key: string;
  summary: MtlDatasetSummary | null;
  error: SerializedImportError | null;
  /** A dropped CSV waiting for its label columns. */
  file: File | null;
  preview: MtlCsvPreview | null;
  labelColumns: string[];
}

export interface MtlConflictState {
  phase: 'idle' | 'running' | 'done' | 'error';
  progress: MtlConflictProgress | null;
  result: MtlConflictResult | null;
  error: string | null;
  /** The dataset measured: the result stays on screen (and with later runs) while that dataset is the form's; null or absent: none. */
  datasetId?: string | null;
}

export interface MtlSavedRun {
  id: string;
  label: string;
  createdAt: number;
}

export interface MultitaskSlice {
  mtlForm: MultitaskForm;
  mtlDatasets: { id: string; name: string; description: string; file: string }[];
  mtlDataset: MtlDatasetState;
  mtlRun: MtlRun | null;
  /** A saved run drawn over the shown one in the rAU-over-steps chart (dotted), or null. */
  mtlOverlay: MtlRun | null;
  mtlConflict: MtlConflictState;
  mtlSavedRuns: MtlSavedRun[];
  /** Metrics table and its export: only STEM's comparable samples. */
  mtlComparableOnly: boolean;
  /** Shared layer shown in the rAU lines and histogram ('' = the top one). */
  mtlLayer: string;

  setMtlForm(patch: Partial<MultitaskForm>): void;
  setMtlDatasets(list: MultitaskSlice['mtlDatasets']): void;
  setMtlDataset(patch: Partial<MtlDatasetState>): void;
  setMtlRun(run: MtlRun | null): void;
  setMtlOverlay(run: MtlRun | null): void;
  updateMtlRun(update: (run: MtlRun) => Partial<MtlRun>): void;
  setMtlConflict(patch: Partial<MtlConflictState>): void;
  setMtlSavedRuns(runs: MtlSavedRun[]): void;
  setMtlComparableOnly(on: boolean): void;
  setMtlLayer(layer: string): void;
}

export const INITIAL_MTL_DATASET: MtlDatasetState = { phase: 'idle', key: '', summary: null, error: null, file: null, preview: null, labelColumns: [] };
export const INITIAL_MTL_CONFLICT: MtlConflictState = { phase: 'idle', progress: null, result: null, error: null, datasetId: null };

/** Applies one worker event to a run. */
export function applyMtlEvent(run: MtlRun, e: MtlEvent): Partial<MtlRun> {
  switch (e.type) {
    case 'status':
      return { status: e.status, ...(e.message === undefined ? {} : { message: e.message }) };
    case 'started':
      return { tasks: e.tasks, fields: e.fields, layers: e.layers, backend: e.backend, sharedParameters: e.parameters };
    case 'progress':
      return { step: e.step, epoch: e.epoch, stepsPerSecond: e.stepsPerSecond, losses: [...run.losses, ...e.points] };
    case 'snapshot':
      return { snapshots: [...run.snapshots, { step: e.step, arms: e.arms }] };
    case 'metrics':
      return { metrics: [...run.metrics, { step: e.step, all: e.all, comparable: e.comparable }] };
    case 'checkpoint':
    case 'final':
      return {};
  }
}

/** The shared layer the per-layer charts show: the chosen one if the run has it, else the top one. */
export function shownLayer(run: MtlRun | null, chosen: string): string {
  if (!run || run.layers.length === 0) return chosen;
  return run.layers.includes(chosen) ? chosen : run.layers[run.layers.length - 1];
}

type SetState = (update: (s: MultitaskSlice) => Partial<MultitaskSlice>) => void;

export function createMultitaskSlice(set: SetState): MultitaskSlice {
  return {
    mtlForm: DEFAULT_MULTITASK_FORM,
    mtlDatasets: [],
    mtlDataset: INITIAL_MTL_DATASET,
    mtlRun: null,
    mtlOverlay: null,
    mtlConflict: INITIAL_MTL_CONFLICT,
    mtlSavedRuns: [],
    mtlComparableOnly: false,
    mtlLayer: '',

    setMtlForm: (patch) => set((s) => ({ mtlForm: { ...s.mtlForm, ...patch } })),
    setMtlDatasets: (list) => set(() => ({ mtlDatasets: list })),
    setMtlDataset: (patch) => set((s) => ({ mtlDataset: { ...s.mtlDataset, ...patch } })),
    setMtlRun: (run) => set(() => ({ mtlRun: run })),
    setMtlOverlay: (run) => set(() => ({ mtlOverlay: run })),
    updateMtlRun: (update) => set((s) => (s.mtlRun ? { mtlRun: { ...s.mtlRun, ...update(s.mtlRun) } } : {})),
    setMtlConflict: (patch) => set((s) => ({ mtlConflict: { ...s.mtlConflict, ...patch } })),
    setMtlSavedRuns: (runs) => set(() => ({ mtlSavedRuns: runs })),
    setMtlComparableOnly: (on) => set(() => ({ mtlComparableOnly: on })),
    setMtlLayer: (layer) => set(() => ({ mtlLayer: layer })),
  };
}
