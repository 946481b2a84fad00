import type { FieldResult } from '../contracts/tables.ts';
import type { RunControls, RunEvent, RunOptions, RunOutcome } from '../contracts/run.ts';
import type { SyntheticCtrConfig } from '../data/ctr/syntheticCtr.ts';
import type { CtrFormat } from '../data/ctr/ctrParser.ts';
import type { DatasetDetection } from '../data/ctr/ctrDataset.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { InteractionCollapse } from '../models/interactionCollapse.ts';
import type { ModelConfig, TrainConfig } from '../contracts/modelConfig.ts';
import type { TrainerCheckpoint } from '../models/trainerCheckpoint.ts';
import type { BackendChoice, BackendName, BackendState } from '../contracts/backend.ts';

/** The contract between the UI and the training worker. Everything here survives structured clone. */

/** Where the training data comes from: a built-in file (fetched in the worker), a dropped file, bytes (tests), or the synthetic generator run in the worker. */
export type DatasetSource =
  | { kind: 'url'; url: string; name: string; format: 'rlctr' | CtrFormat }
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'rlctr-bytes'; bytes: Uint8Array; name: string }
  | { kind: 'generated'; config: SyntheticCtrConfig; name: string };

export interface DatasetSummary {
  name: string;
  origin: string;
  fields: { name: string; cardinality: number }[];
  rows: { train: number; valid: number; test: number };
  /** How a text file was read (layout, header, label, bucketed columns), when it was one. */
  detection?: DatasetDetection;
}

/** `paused` starts with the Step button; `resumeFrom` needs the same model, dataset and batch size. */
export interface TrainRequest extends RunOptions<TrainerCheckpoint> {
  model: ModelConfig;
  train: TrainConfig;
  /** Take a spectrum (and for DCNv2 the interaction matrix) every this many steps; 0 = only at the end. */
  spectrumEvery: number;
}

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

/** What only a CTR run reports; the run loop adds status, checkpoint and final. */
export type CtrRunEvent =
  | { type: 'started'; parameters: number; stepsPerEpoch: number; backend: BackendName; choice?: BackendChoice }
  | { type: 'loss'; step: number; epoch: number; points: LossPoint[]; samplesPerSecond: number }
  | { type: 'eval'; step: number; epoch: number; auc: number; logloss: number; gauc?: number }
  | { type: 'spectrum'; step: number; sets: FieldResult[][] }
  | { type: 'interaction'; step: number; matrix: InteractionCollapse };

export type TrainingEvent = RunEvent<CtrRunEvent, TrainerCheckpoint, FinalReport>;

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

export type TrainOutcome = RunOutcome<FinalReport>;

/** Exported embedding tables: per set one .npy (concatenated) + field_dims.json, and one .safetensors with a tensor per field. */
export interface ExportedTables {
  files: { name: string; bytes: Uint8Array }[];
}

export interface TrainingClient extends RunControls {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  /**
   * Times a few real steps of this request's model on the loaded dataset on each backend and
   * activates the fastest (see RunHost.probeTraining); without a dataset, answers the current state.
   * `changed`: the model or dataset changed since a backend was picked by hand.
   */
  probeTraining(request: TrainRequest, changed?: boolean): Promise<BackendState>;
  load(source: DatasetSource, onProgress: (p: LoadProgress) => void): Promise<LoadOutcome>;
  /** Cancels the load in progress: it answers 'cancelled', and the dataset loaded before stays. */
  cancelLoad(): void;
  /** Resolves when the run ends (done, stopped, or failed); events stream meanwhile. */
  train(request: TrainRequest, onEvent: (e: TrainingEvent) => void): Promise<TrainOutcome>;
  exportTables(): Promise<ExportedTables>;
}
