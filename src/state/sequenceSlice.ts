/** The Sequences view's share of the studio store: the form, the dataset, the runs compared and the queue. */
import type { BackendName } from '../contracts/backend.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { RunStatus } from '../contracts/run.ts';
import type { SequenceTrainSettings } from '../contracts/sequence.ts';
import type { SequenceDatasetSize } from '../data/ctr/datasetIndex.ts';
import { DEFAULT_SEQUENCE_USERS, type SyntheticSequenceConfig } from '../data/sequence/syntheticSequences.ts';
import type { SeqDatasetSummary, SeqEvent, SeqLoadProgress, SeqLossPoint, SeqMetricsPoint, SeqReport, SeqSnapshot } from '../workers/sequenceProtocol.ts';

/** Everything a link needs to reproduce a run (see sequenceSettings.ts). */
export interface SequenceForm extends SequenceTrainSettings {
  /** A built-in dataset id, or 'file' for a dropped file. */
  datasetId: string;
  /** Users of a generated built-in dataset (the generator's seed and plant, this many users). */
  users: number;
  /** Seeds per model when comparing TWIN and DARE (seed, seed + 1, ...). */
  seeds: number;
}

/**
 * Chosen by `npm run experiment:sequence-sweep` on the built-in synthetic sequences
 * (experiments/README.md): test AUC peaks after 1 epoch (TWIN and DARE ~0.69 of Bayes 0.731),
 * then falls as the item tables memorise; a history of 100 keeps most of the planted signal
 * (partner behaviours anywhere in the history) and makes the top-20 search choose 20 of 100.
 */
export const DEFAULT_SEQUENCE_FORM: SequenceForm = {
  datasetId: 'synthetic-sequences',
  users: DEFAULT_SEQUENCE_USERS,
  model: 'dare',
  dim: 16,
  attentionDim: 8,
  topK: 20,
  historyLength: 100,
  lr: 3e-3,
  batchSize: 128,
  epochs: 1,
  seed: 1,
  seeds: 1,
};

export const SEQ_FILE_DATASET = 'file';

export interface SeqRun {
  id: string;
  label: string;
  form: SequenceForm;
  /** The dataset's name (a built-in one's or the file's): runs of one dataset are compared. */
  datasetName: string;
  bayesAuc?: number;
  createdAt: number;
  status: RunStatus;
  message?: string;
  /** The step of the checkpoint stored with the run (it can resume from there); absent when none is. */
  savedStep?: number;
  step: number;
  epoch: number;
  stepsTotal: number;
  samplesPerSecond: number;
  backend: BackendName | '';
  parameters: number;
  losses: SeqLossPoint[];
  metrics: SeqMetricsPoint[];
  snapshots: SeqSnapshot[];
  report: SeqReport | null;
}

export interface SeqDatasetState {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  /** Dataset id or file name the summary belongs to. */
  key: string;
  summary: SeqDatasetSummary | null;
  error: SerializedImportError | null;
  progress: SeqLoadProgress | null;
  /** The dropped file (not kept across reloads). */
  file: File | null;
  /**
   * A generated dataset's users, the behaviours it keeps per history (a run needs its history length
   * kept) and the generator's longest history (the labels are drawn from it); null otherwise.
   */
  generated: { users: number; keptHistory: number; fullHistory: number } | null;
}

/** A built-in dataset as the index lists it: a file to fetch, or a generator (with the sizes it offers). */
export interface SeqDatasetEntry {
  id: string;
  name: string;
  description: string;
  file: string;
  bayesTestAuc?: number;
  generator?: SyntheticSequenceConfig;
  sizes?: SequenceDatasetSize[];
}

/** Runs queued by Compare or the attention-dim sweep: how many of them have ended. */
export interface SeqQueue {
  label: string;
  total: number;
  done: number;
}

export interface SequenceSlice {
  seqForm: SequenceForm;
  seqDatasets: SeqDatasetEntry[];
  seqDataset: SeqDatasetState;
  /** The runs on screen (oldest first): the live one and the stored ones, compared per dataset. */
  seqRuns: SeqRun[];
  /** The run whose heatmaps and gradient read-outs are shown ('' = the newest of the dataset). */
  seqFocus: string;
  seqQueue: SeqQueue | null;

  setSeqForm(patch: Partial<SequenceForm>): void;
  setSeqDatasets(list: SequenceSlice['seqDatasets']): void;
  setSeqDataset(patch: Partial<SeqDatasetState>): void;
  /** Adds a run, or replaces the one with its id. */
  putSeqRun(run: SeqRun): void;
  updateSeqRun(id: string, update: (run: SeqRun) => Partial<SeqRun>): void;
  removeSeqRun(id: string): void;
  setSeqFocus(id: string): void;
  setSeqQueue(queue: SeqQueue | null): void;
}

export const INITIAL_SEQ_DATASET: SeqDatasetState = { phase: 'idle', key: '', summary: null, error: null, progress: null, file: null, generated: null };

/** Applies one worker event to a run. */
export function applySeqEvent(run: SeqRun, e: SeqEvent): Partial<SeqRun> {
  switch (e.type) {
    case 'status':
      return { status: e.status, ...(e.message === undefined ? {} : { message: e.message }) };
    case 'started':
      return { backend: e.backend, parameters: e.parameters, stepsTotal: e.stepsTotal };
    case 'progress':
      return { step: e.step, epoch: e.epoch, samplesPerSecond: e.samplesPerSecond, losses: [...run.losses, ...e.points] };
    case 'metrics':
      return { metrics: [...run.metrics, e.point] };
    case 'snapshot':
      return { snapshots: [...run.snapshots, e.snapshot] };
    case 'final':
      return { report: e.report };
    case 'checkpoint':
      return {};
  }
}

type SetState = (update: (s: SequenceSlice) => Partial<SequenceSlice>) => void;

export function createSequenceSlice(set: SetState): SequenceSlice {
  return {
    seqForm: DEFAULT_SEQUENCE_FORM,
    seqDatasets: [],
    seqDataset: INITIAL_SEQ_DATASET,
    seqRuns: [],
    seqFocus: '',
    seqQueue: null,

    setSeqForm: (patch) => set((s) => ({ seqForm: { ...s.seqForm, ...patch } })),
    setSeqDatasets: (list) => set(() => ({ seqDatasets: list })),
    setSeqDataset: (patch) => set((s) => ({ seqDataset: { ...s.seqDataset, ...patch } })),
    putSeqRun: (run) =>
      set((s) => ({ seqRuns: s.seqRuns.some((r) => r.id === run.id) ? s.seqRuns.map((r) => (r.id === run.id ? run : r)) : [...s.seqRuns, run] })),
    updateSeqRun: (id, update) => set((s) => ({ seqRuns: s.seqRuns.map((r) => (r.id === id ? { ...r, ...update(r) } : r)) })),
    removeSeqRun: (id) => set((s) => ({ seqRuns: s.seqRuns.filter((r) => r.id !== id), seqFocus: s.seqFocus === id ? '' : s.seqFocus })),
    setSeqFocus: (id) => set(() => ({ seqFocus: id })),
    setSeqQueue: (queue) => set(() => ({ seqQueue: queue })),
  };
}
