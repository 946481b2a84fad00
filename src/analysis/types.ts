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
