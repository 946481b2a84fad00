import type { BackendState } from './backend.ts';

/**
 * The spectrum recipe. 'recscope' (default): rows L2-normalised, no centering (RecScope, Pan et al. 2024).
 * 'raw': the table as stored. 'centered': column means subtracted, no row normalisation.
 */
export type SpectrumMode = 'recscope' | 'raw' | 'centered';

export interface AnalysisOptions {
  mode: SpectrumMode;
  /** Split one concatenated table into fields of these row counts (Multi-Embedding checkpoints). */
  field_dims?: number[];
  /** Which tensors of the file were analysed (npz / safetensors). */
  tensors?: string[];
  /**
   * Set when field_dims split several tensors the same way (a multi-embedding model's sets): one label
   * per tensor; fields are then set-major, named "<set> / <field>".
   */
  sets?: string[];
}

/** One field's result. Field names and keys are the stable JSON schema documented in the README. */
export interface FieldResult {
  name: string;
  /** Rows used (finite rows only). */
  rows: number;
  dim: number;
  /** Singular values of the analysed (mode-transformed) rows, descending, length min(rows, dim). */
  singular_values: number[];
  /** s_i / s_1 zero-padded to dim. */
  normalized_spectrum: number[];
  /** sum_i s_i / s_1, in [1, dim]. */
  information_abundance: number;
  /** exp(H(p)), p_i = s_i / sum s (RankMe). */
  effective_rank: number;
  /** Rows dropped because they contained NaN or Inf. */
  excluded_rows: number;
}

export interface AnalysisResult {
  source: string;
  options: AnalysisOptions;
  fields: FieldResult[];
}

export interface AnalysisProgress {
  rowsDone: number;
  /** Total rows when known (binary formats), else null. */
  rowsTotal: number | null;
  bytesDone: number;
  bytesTotal: number;
  rowsPerSecond: number;
}

export type TableFormat =
  'npy' | 'npz' | 'safetensors' | 'tsv' | 'csv' | 'word2vec' | 'torch' | 'onnx' | 'parquet' | 'hdf5' | 'keras' | 'tfcheckpoint' | 'partialgram';

/** One array inside a file (an .npy holds one; .npz / .safetensors hold several). */
export interface TensorInfo {
  name: string;
  /** Shape as stored. For text tables rows may be unknown (-1) until the file has been read. */
  shape: number[];
  /** Stored element type, normalised to numpy-style names: float16, bfloat16, float32, float64, int8..uint64, bool. */
  dtype: string;
  /** True when the tensor is a 2-D numeric array that can be analysed as an embedding table. */
  analysable: boolean;
  /** Why it is not analysable (1-D, 3-D, non-numeric dtype...). */
  reason?: string;
}

/** A table the studio holds: where it came from, its tensors and its analysis. */
export interface LoadedTable {
  id: string;
  source: string;
  /** 'generated' for the built-in examples. */
  format: TableFormat | 'generated';
  bytes: number;
  tensors: TensorInfo[];
  result: AnalysisResult;
  elapsedMs: number;
  origin: 'example' | 'file';
  /** How the Gram was computed ('float64-js' for examples and the exact path). */
  gramEngine: BackendState['gramEngine'];
  /** What was read of the file's layout when it was analysed, said on the card. */
  notes?: TableNotes;
}

/** Findings about a checkpoint's layout that change how its result reads. */
export interface TableNotes {
  /** The file holds optimiser state, not model weights: this sentence says so. */
  optimizerState?: string;
  /** Analysed without field sizes, though the model's shapes say the table concatenates fields. */
  concatenated?: { fields: number; dim: number; evidence: string; text: string };
  /** Where the field sizes came from, e.g. "feature_map.json (FuxiCTR)". */
  fieldSizesFrom?: string;
}
