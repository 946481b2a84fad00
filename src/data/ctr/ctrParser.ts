import type { CtrDataset } from './ctrDataset.ts';
import type { CtrBuildOptions } from './ctrTableBuilder.ts';

/** 'csv': a CSV or TSV with a header naming a label column, or label-first without one (ctrCsv.ts). */
export type CtrFormat = 'criteo' | 'avazu' | 'movielens-csv' | 'movielens-100k' | 'csv';

export interface CtrParseOptions extends CtrBuildOptions {
  /** Dataset name; default the format's name. */
  name?: string;
  /** Stop after this many data rows (a sample of a large file); default no limit. */
  maxRows?: number;
}

/** An incremental parser over the lines of one file (without their line terminators). */
export interface CtrParser {
  readonly format: CtrFormat;
  /** Data rows taken so far. */
  readonly rows: number;
  /** True once maxRows rows are in: later lines are ignored, a reader may stop. */
  readonly full: boolean;
  /**
   * Takes the next line of the file; blank lines are skipped. Throws ImportError on a malformed
   * line. `mayBeCut`: this is the file's last line and no newline ends it (see cutShort.ts).
   */
  push(line: string, mayBeCut?: boolean): void;
  /** Builds vocabularies and splits; throws ImportError('empty') without data rows. */
  finish(): CtrDataset;
}

/** Feeds every line of a text to a parser and finishes it. */
export function parseLines(parser: CtrParser, text: string): CtrDataset {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (parser.full) break;
    const line = lines[i];
    const ended = line.endsWith('\r');
    parser.push(ended ? line.slice(0, -1) : line, i === lines.length - 1 && !ended);
  }
  return parser.finish();
}
