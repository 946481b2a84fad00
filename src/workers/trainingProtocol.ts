import type { FieldResult } from '../analysis/types.ts';
import type { SyntheticCtrConfig } from '../data/ctr/syntheticCtr.ts';
import type { SerializedImportError } from '../data/importError.ts';
import type { InteractionCollapse } from '../models/interactionCollapse.ts';
import type { TrainConfig } from '../models/trainer.ts';
import type { TrainerCheckpoint } from '../models/trainerCheckpoint.ts';
import type { ModelConfig } from '../models/types.ts';
import type { BackendName, BackendState } from './analysisProtocol.ts';

/** The contract between the UI and the training worker. Everything here survives structured clone. */

/** Where the training data comes from: a built-in file (fetched in the worker), a dropped file, bytes (tests), or the synthetic generator run in the worker. */
export type DatasetSource =
  | { kind: 'url'; url: string; name: string; format: 'rlctr' | 'criteo' | 'avazu' | 'movielens-csv' | 'movielens-100k' }
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'rlctr-bytes'; bytes: Uint8Array; name: string }
  | { kind: 'generated'; config: SyntheticCtrConfig; name: string };

export interface DatasetSummary {
  name: string;
  origin: string;
  fields: { name: string; cardinality: number }[];
  rows: { train: number; valid: number; test: number };
}

export interface TrainRequest {
  model: ModelConfig;
  train: TrainConfig;
  /** Take a spectrum (and for DCNv2 the interaction matrix) every this many steps; 0 = only at the end. */
  spectrumEvery: number;
  /** Start paused (the Step button then advances one step at a time). */
  paused?: boolean;
  /** Continue a run from this checkpoint (same model, dataset and batch size). */
  resumeFrom?: TrainerCheckpoint;
  /** Emit a checkpoint event at most this often while training, and on pausing; 0 or absent = never. */
  checkpointEveryMs?: number;
}

/** 'interrupted' is the UI's own: a run whose page was reloaded or closed before it ended. */
export type TrainingStatus = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface LossPoint {
  step: number;
  /** Mean loss of the steps since the previous point. */
  loss: number;
}

export interface FinalReport {
  step: number;
  parameters: number;
  bestStep: number;
  bestValidAuc: number;
  stoppedEarly: boolean;
  /** Test metrics with the best validation weights restored (NaN when there was no valid AUC). */
  testAuc: number;
  testLogloss: number;
  /** Per field, all embedding sets side by side: comparable across single and multi-embedding. */
  concatSpectrum: FieldResult[];
}

export type TrainingEvent =
  | { type: 'status'; status: TrainingStatus; message?: string }
  | { type: 'started'; parameters: number; stepsPerEpoch: number; backend: BackendName }
  | { type: 'loss'; step: number; epoch: number; points: LossPoint[]; samplesPerSecond: number }
  | { type: 'eval'; step: number; epoch: number; auc: number; logloss: number; gauc?: number }
  | { type: 'spectrum'; step: number; sets: FieldResult[][] }
  | { type: 'interaction'; step: number; matrix: InteractionCollapse }
  | { type: 'checkpoint'; step: number; checkpoint: TrainerCheckpoint }
  | { type: 'final'; report: FinalReport };

export interface LoadOutcomeOk {
  ok: true;
  summary: DatasetSummary;
}
export type LoadOutcome = LoadOutcomeOk | { ok: false; error: SerializedImportError };

export interface LoadProgress {
  bytesDone: number;
  bytesTotal: number;
  rows: number;
}

export type TrainOutcome = { ok: true; status: 'done' | 'stopped'; report: FinalReport | null } | { ok: false; error: SerializedImportError };

/** Exported embedding tables: per set one .npy (concatenated) + field_dims.json, and one .safetensors with a tensor per field. */
export interface ExportedTables {
  files: { name: string; bytes: Uint8Array }[];
}

export interface TrainingClient {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  load(source: DatasetSource, onProgress: (p: LoadProgress) => void): Promise<LoadOutcome>;
  /** Cancels the load in progress: it answers 'cancelled', and the dataset loaded before stays. */
  cancelLoad(): void;
  /** Resolves when the run ends (done, stopped, or failed); events stream meanwhile. */
  train(request: TrainRequest, onEvent: (e: TrainingEvent) => void): Promise<TrainOutcome>;
  pause(): void;
  resume(): void;
  /** One step while paused. */
  step(): void;
  stop(): void;
  exportTables(): Promise<ExportedTables>;
}
