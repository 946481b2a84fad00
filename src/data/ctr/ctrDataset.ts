/**
 * A click-through-rate dataset in the shape every model and the trainer consume:
 * categorical fields already mapped to per-field vocabulary indices (0 = OOV: values too rare to keep).
 */
export interface CtrField {
  name: string;
  /** Vocabulary size including the OOV slot 0. Rows of this field's embedding table. */
  cardinality: number;
}

export interface CtrSplit {
  rows: number;
  /** rows x fields, row-major, local index into each field's vocabulary (0..cardinality-1). */
  indices: Int32Array;
  /** rows x tasks, row-major, 0/1. One task for CTR; several for multi-task data. */
  labels: Float32Array;
  /** Ground-truth click probability per row and task when the data is synthetic (for the Bayes AUC). */
  trueProbabilities?: Float32Array;
  /** Grouping key per row for gAUC (one integer per user), when the data has users. */
  groups?: Int32Array;
}

export interface CtrDataset {
  name: string;
  /** Where it came from: 'synthetic:<seed>', 'criteo', 'avazu', 'movielens', ... */
  origin: string;
  fields: CtrField[];
  tasks: string[];
  train: CtrSplit;
  valid: CtrSplit;
  test: CtrSplit;
  /** Synthetic data only: the field pairs (i < j) whose interaction drives the true click probability. */
  plantedPairs?: [number, number][];
  /** How a file read as text was understood (its layout, label, bucketed columns), for the loader to say. */
  detection?: DatasetDetection;
}

/** What a CTR loader made of a text file, so the studio and the CLI can say it. */
export interface DatasetDetection {
  /** The layout in words: "CSV with a header", "Criteo TSV (no header)", ... */
  layout: string;
  /** Whether line 1 named the columns. */
  header: boolean;
  /** The format has no header by design (Criteo TSV, u.data): nothing to warn about. */
  headerless?: 'by-format';
  /** The label: a column's name, or the rule that makes one ("rating >= 4"). */
  label: string;
  /** Numeric columns turned into buckets, and by which rule (numericBuckets.ts). */
  bucketed: { name: string; rule: 'log-squared' | 'deciles' }[];
  /** Columns not used as fields, each with why ("id", "another task's label"). */
  ignored: { name: string; why: string }[];
  /** Fields every value of which is rarer than the minimum count: all OOV, one embedding row (a timestamp, an id). */
  allRare?: string[];
}

/** Row offset of each field in one concatenated table (the Multi-Embedding checkpoint layout). */
export function fieldOffsets(fields: CtrField[]): Int32Array {
  const offsets = new Int32Array(fields.length);
  let total = 0;
  fields.forEach((f, i) => {
    offsets[i] = total;
    total += f.cardinality;
  });
  return offsets;
}
