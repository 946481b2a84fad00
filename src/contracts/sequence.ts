/**
 * The behaviour-sequence family (SCIENCE.md section 4): what its readers produce, what its models
 * are, and what a sequence run's settings are. Readers, models, the worker and the views share these.
 */

/**
 * Samples in columns. Sample i's history is `histItems` / `histCategories` over
 * `histOffsets[i] .. histOffsets[i + 1]`, oldest first, so the last element is at target-relative
 * position p = 1. Ids are dense, 1-based; 0 is reserved for padding (models pad short histories with it).
 */
export interface SequenceSamples {
  count: number;
  labels: Uint8Array;
  users: Int32Array;
  targetItems: Int32Array;
  targetCategories: Int32Array;
  /** Length count + 1; histOffsets[0] = 0. */
  histOffsets: Int32Array;
  histItems: Int32Array;
  histCategories: Int32Array;
}

/** A behaviour-sequence dataset as readers and the synthetic generator give it. */
export interface SequenceDataset {
  /** Where it came from: a file name or a built-in dataset id. */
  source: string;
  train: SequenceSamples;
  test: SequenceSamples;
  /** A validation split where the format's protocol names one (Taobao: each user's second most recent behaviour). */
  valid?: SequenceSamples;
  /** Ids are < these (id 0 = padding). */
  itemVocabulary: number;
  categoryVocabulary: number;
  /** categoryNames[id] = the category as the file spells it ('' for 0). */
  categoryNames: string[];
  /** The longest history kept; models use the most recent `maxHistory` behaviours. */
  maxHistory: number;
  /** Known for synthetic data only. */
  bayesTestAuc?: number;
}

export type SequenceModelKind = 'din' | 'twin' | 'dare' | 'tin';

export const SEQUENCE_MODEL_KINDS: readonly SequenceModelKind[] = ['din', 'twin', 'dare', 'tin'];

/** What a sequence run trains: the form's settings, the link's and the worker's request share them. */
export interface SequenceTrainSettings {
  model: SequenceModelKind;
  /** Representation embedding dim (items and categories). */
  dim: number;
  /** DARE's attention-table dim (e.g. dim / 2, dim / 4); the other models use `dim`. */
  attentionDim: number;
  /** TWIN's and DARE's search stage keeps this many behaviours. */
  topK: number;
  /** Histories are cut to the most recent `historyLength` behaviours. */
  historyLength: number;
  lr: number;
  /** L2 weight decay on every parameter, as torch.optim.Adam's weight_decay (absent: 0). */
  weightDecay?: number;
  /**
   * Per-table learning rates, as multiples of `lr` (absent: every table at `lr`): the category
   * tables (both roles), the position table, the item tables (both roles), and on top of those
   * DARE's own attention tables (item and category; no effect on a coupled model). The head stays at `lr`.
   */
  tableLrScale?: { category?: number; position?: number; item?: number; attention?: number };
  /**
   * How the attention weights pool the behaviours (absent: 'softmax'): 'softmax' normalises them
   * (a weighted mean); 'sum' takes each behaviour's sigmoid(score) over the number of columns, as
   * DIN's unnormalised weights, so the pooled vector grows with how many relevant behaviours there are.
   */
  pooling?: SequencePooling;
  batchSize: number;
  epochs: number;
  seed: number;
}

export type SequencePooling = 'softmax' | 'sum';
