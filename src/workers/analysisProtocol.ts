import type { SerializedImportError } from '../data/importError.ts';
import type { TableFormat, TensorInfo } from '../data/tableFile.ts';
import type { AnalysisProgress, AnalysisResult, SpectrumMode } from '../analysis/types.ts';
import type { ExampleTable } from '../examples/exampleTables.ts';

/** The contract between the UI and the analysis worker. Everything here survives structured clone. */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendReport {
  name: BackendName;
  available: boolean;
  /** Why it is not available (no adapter, init failed, setBackend resolved false...). */
  error?: string;
  /** e.g. 'google/swiftshader' for WebGPU, the GL renderer for WebGL. */
  adapter?: string;
  /** WebGPU software adapter: correct but slow; never chosen for speed. */
  isFallbackAdapter?: boolean;
  /** Median time of the capability probe (a fixed matmul and small kernels), ms; not measured on a software WebGPU adapter. */
  probeMs?: number;
  /** The probe's first run (kernel compile) outlived the probe's limit: probeMs is a lower bound. */
  probeTimedOut?: boolean;
}

export interface BackendState {
  /** tf.getBackend() after activation, never the promise of setBackend. */
  active: BackendName;
  reports: BackendReport[];
  /** How the Gram of uploaded tables is computed: exact float64 JS, or float32 chunk matmul on the backend summed in float64. */
  gramEngine: 'float64-js' | 'backend-matmul';
}

export interface InspectOk {
  ok: true;
  source: string;
  format: TableFormat;
  bytes: number;
  tensors: TensorInfo[];
  labelCount?: number;
}
export type InspectOutcome = InspectOk | { ok: false; error: SerializedImportError };

export interface AnalyzeRequest {
  tensors: string[];
  field_dims?: number[];
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

export interface AnalysisClient {
  inspect(file: File, metadata?: File): Promise<InspectOutcome>;
  /** Resolves with error code 'cancelled' after cancel(). */
  analyze(file: File, request: AnalyzeRequest, onProgress: (p: AnalysisProgress) => void, metadata?: File): Promise<AnalyzeOutcome>;
  cancel(): void;
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
  /** The two built-in example tables, generated and analysed off the main thread. */
  exampleTables(): Promise<ExampleTable[]>;
}
