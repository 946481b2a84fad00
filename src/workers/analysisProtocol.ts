import type { SerializedImportError } from '../contracts/errors.ts';
import type { AnalysisProgress, AnalysisResult, SpectrumMode, TableFormat, TensorInfo } from '../contracts/tables.ts';
import type { ExampleTable } from '../examples/exampleTables.ts';
import type { InteractionCollapse, InteractionRequest } from '../analysis/interactionCollapse.ts';
import type { BackendName, BackendState } from '../contracts/backend.ts';
import type { CheckpointCorrelation, CorrelationRequest } from '../analysis/checkpointCorrelation.ts';

/** The contract between the UI and the analysis worker. Everything here survives structured clone. */

export interface InspectOk {
  ok: true;
  source: string;
  format: TableFormat;
  bytes: number;
  tensors: TensorInfo[];
  labelCount?: number;
  /** Field sizes the checkpoint keeps in a field_dims / offsets tensor that partition the preselected tables' rows. */
  keptFieldSizes?: { dims: number[]; tensor: string };
}
export type InspectOutcome = InspectOk | { ok: false; error: SerializedImportError };

export interface AnalyzeRequest {
  tensors: string[];
  field_dims?: number[];
  /** Names of the fields of field_dims (FuxiCTR's feature_map.json), and labels of the sets when it splits several tensors. */
  fieldNames?: string[];
  setNames?: string[];
  mode: SpectrumMode;
  /** Widest table analysed (default DEFAULT_MAX_DIM). */
  maxDim?: number;
}

export interface AnalyzeOk {
  ok: true;
  result: AnalysisResult;
  elapsedMs: number;
  /** Which engine computed the Gram. */
  gramEngine: BackendState['gramEngine'];
}
export type AnalyzeOutcome = AnalyzeOk | { ok: false; error: SerializedImportError };

export type { InteractionRequest };
export type InteractionOutcome = { ok: true; matrix: InteractionCollapse; elapsedMs: number } | { ok: false; error: SerializedImportError };

export type { CorrelationRequest };
export type CorrelationOutcome = { ok: true; correlation: CheckpointCorrelation; elapsedMs: number } | { ok: false; error: SerializedImportError };

export interface AnalysisClient {
  /** `companions`: files given with it (a TensorFlow checkpoint's .data shards), found by name. */
  inspect(file: File, metadata?: File, companions?: File[]): Promise<InspectOutcome>;
  /** Resolves with error code 'cancelled' after cancel(). */
  analyze(file: File, request: AnalyzeRequest, onProgress: (p: AnalysisProgress) => void, metadata?: File, companions?: File[]): Promise<AnalyzeOutcome>;
  /** The DCNv2 interaction-collapse matrix of a checkpoint's table and first cross layer; cancelled by cancel(). */
  interaction(file: File, request: InteractionRequest, onProgress: (rowsDone: number, rowsTotal: number) => void): Promise<InteractionOutcome>;
  /** The learned-correlation matrices of a checkpoint's category and position tables; cancelled by cancel(). */
  correlation(file: File, request: CorrelationRequest): Promise<CorrelationOutcome>;
  cancel(): void;
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  /** The two built-in example tables, generated and analysed off the main thread. */
  exampleTables(): Promise<ExampleTable[]>;
}
