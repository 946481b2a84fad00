/** One entry point over every CTR format: detect the format, make its parser. */
import { createAvazuParser } from './avazu.ts';
import { createCriteoParser } from './criteo.ts';
import { createCsvParser } from './ctrCsv.ts';
import type { CtrDataset } from './ctrDataset.ts';
import { parseLines, type CtrFormat, type CtrParser } from './ctrParser.ts';
import { requireCtrFormat } from './detectCtrFormat.ts';
import { createMovieLensParser, type MovieLensParseOptions } from './movielens.ts';

/** Options of every format (genres apply to MovieLens only). */
export type AnyCtrParseOptions = MovieLensParseOptions;

export function createCtrParser(format: CtrFormat, options: AnyCtrParseOptions & { fileName?: string } = {}): CtrParser {
  switch (format) {
    case 'criteo':
      return createCriteoParser(options);
    case 'avazu':
      return createAvazuParser(options);
    case 'movielens-csv':
    case 'movielens-100k':
      return createMovieLensParser(format, options);
    case 'csv':
      return createCsvParser(options);
  }
}

/** Lines read to detect a format. */
export const DETECT_LINES = 5;

/** Parses a whole text file of any CTR format (detected from its first lines unless given). */
export function parseCtrText(text: string, options: AnyCtrParseOptions & { format?: CtrFormat; fileName?: string } = {}): CtrDataset {
  const format =
    options.format ??
    requireCtrFormat(
      text
        .slice(0, 64 * 1024)
        .split('\n')
        .slice(0, DETECT_LINES),
      options.fileName,
    );
  return parseLines(createCtrParser(format, options), text);
}
