/**
 * Partial Grams: the per-field sums a table's spectrum needs, computed where the rows are (one
 * shard, one host, a warehouse query) and merged by adding. Everything here is plain data; the
 * JSON form (docs/partial-gram.md) is written and read by data/formats/partialGramJson.ts.
 */

/** The "format" key of a partial-Gram JSON file. */
export const PARTIAL_GRAM_FORMAT = 'reclens-partial-gram';
/** The version this code writes and reads. */
export const PARTIAL_GRAM_VERSION = 1;

/** The sums of one recipe's rows, scaled by 2^-scale_exp (0 unless the values are extreme). */
export interface GramSums {
  /** The rows were summed as x * 2^-scale_exp. */
  scale_exp: number;
  /** K x K row-major, symmetric: sum over the summed rows of x x^T. */
  gram: Float64Array;
  /** The largest squared norm of a scaled row (0 when unknown). */
  peak: number;
}

/** One field's sums. */
export interface PartialField {
  name: string;
  /** K, the width of the field's rows. */
  dim: number;
  /** Finite rows summed. */
  rows: number;
  /** Rows skipped because they hold NaN or Inf (the analysis excludes them too). */
  excluded_rows: number;
  /** Sums of the rows as stored, with their column sums (the centred recipe subtracts s s^T / n). */
  raw: GramSums & { col_sum: Float64Array };
  /** Sums of the rows L2-normalised e / (||e||_2 + 1e-8) (RecScope's recipe). */
  recscope: GramSums;
}

/** The sums of some rows of a table: a shard's, a host's, or (merged) the whole table's. */
export interface PartialGram {
  /** The files (or queries) whose rows were summed, in order. */
  sources: string[];
  /** The tensors analysed, as in AnalysisOptions. */
  tensors: string[];
  /** When one concatenated table was split into fields of these row counts. */
  field_dims?: number[];
  /** With field_dims over several tensors: one label per tensor (fields are set-major). */
  sets?: string[];
  fields: PartialField[];
}
