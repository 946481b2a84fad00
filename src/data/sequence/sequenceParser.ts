import type { SequenceDataset } from '../../contracts/sequence.ts';
import type { SequenceBuilderOptions } from './sequenceSamplesBuilder.ts';

/**
 * 'sequence-csv': label,user,target_item,target_category,hist_items,hist_categories (sequenceCsv.ts);
 * 'taobao-user-behavior': Taobao's UserBehavior.csv under DARE's protocol (taobaoUserBehavior.ts);
 * 'ctr-sequence-csv': a CTR CSV with a `^`-separated behaviour-sequence column (ctrSequenceCsv.ts).
 */
export type SequenceFormat = 'sequence-csv' | 'taobao-user-behavior' | 'ctr-sequence-csv';

export interface SequenceParseOptions extends SequenceBuilderOptions {
  /** The file's name, for messages and the dataset's source. */
  fileName?: string;
  /** Seed of any sampling a format's protocol does (Taobao's negatives). */
  seed?: number;
}

/** An incremental parser over the lines of one file (without their line terminators). */
export interface SequenceParser {
  readonly format: SequenceFormat;
  /** Lines taken so far. */
  readonly lines: number;
  /** Takes the next line; blank lines are skipped. Throws ImportError naming the line on a malformed one. */
  push(line: string): void;
  /** Builds the dataset; may take long (Taobao's protocol), so it paces itself and honours the signal. */
  finish(signal?: AbortSignal): Promise<SequenceDataset>;
}
