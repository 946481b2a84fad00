/**
 * The sequence-sample CSV (issue 15): a header naming
 * `label,user,target_item,target_category,hist_items,hist_categories` (in any order; other columns
 * are ignored), one sample per line, label 0 or 1, the histories space-separated and oldest first,
 * as many categories as items. Tokens are any text without spaces or commas; the studio numbers
 * them densely. Samples go to train or test by user (sequenceSplit.ts).
 */
import type { SequenceDataset } from '../../contracts/sequence.ts';
import { SniffedCsvRecords, sniffDelimiter } from '../csv.ts';
import { ImportError } from '../importError.ts';
import type { SequenceParseOptions, SequenceParser } from './sequenceParser.ts';
import { SequenceSamplesBuilder } from './sequenceSamplesBuilder.ts';

export const SEQUENCE_CSV_COLUMNS = ['label', 'user', 'target_item', 'target_category', 'hist_items', 'hist_categories'] as const;
/** Behaviours one row's history may hold (before the most recent maxHistory are kept). */
export const MAX_ROW_HISTORY = 100_000;

const shown = (cell: string) => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

/** Does this first line name the sequence-sample CSV's columns? */
export function isSequenceCsvHeader(line: string): boolean {
  const names = new Set(line.split(sniffDelimiter(line)).map((c) => c.trim().toLowerCase()));
  return SEQUENCE_CSV_COLUMNS.every((c) => names.has(c));
}

/** Splits a space-separated history cell; '' is an empty history. */
export function historyTokens(cell: string): string[] {
  const t = cell.trim();
  return t === '' ? [] : t.split(/\s+/);
}

export function createSequenceCsvParser(options: SequenceParseOptions = {}): SequenceParser {
  const file = options.fileName ?? 'The sequence CSV';
  const builder = new SequenceSamplesBuilder(options);
  const records = new SniffedCsvRecords(file);
  let columns: number[] | undefined;
  let width = 0;
  let lines = 0;

  const header = (cells: string[], line: number): void => {
    const names = cells.map((c) => c.trim().toLowerCase());
    const missing = SEQUENCE_CSV_COLUMNS.filter((c) => !names.includes(c));
    if (missing.length > 0)
      throw new ImportError(
        'bad-header',
        `${file} line ${line} is not a sequence-sample header: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (it names ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}).`,
        `Start the file with the header ${SEQUENCE_CSV_COLUMNS.join(',')}.`,
      );
    columns = SEQUENCE_CSV_COLUMNS.map((c) => names.indexOf(c));
    width = cells.length;
  };

  const row = (cells: string[], line: number): void => {
    if (cells.length !== width)
      throw new ImportError(
        'ragged-row',
        `${file} line ${line} has ${cells.length} columns; the header names ${width}.`,
        `Check that line ${line} is complete.`,
      );
    const [l, u, i, c, hi, hc] = columns!.map((k) => cells[k].trim());
    if (l !== '0' && l !== '1' && l !== '0.0' && l !== '1.0')
      throw new ImportError('non-numeric', `${file} line ${line}: the label is ${shown(l)}, not 0 or 1.`, `Check line ${line}.`);
    for (const [name, value] of [
      ['user', u],
      ['target_item', i],
      ['target_category', c],
    ] as const)
      if (value === '' || /\s/.test(value))
        throw new ImportError(
          'bad-header',
          `${file} line ${line}: ${name} is ${value === '' ? 'empty' : `${shown(value)}, which holds a space`}.`,
          `Give every sample its ${name} as one token.`,
        );
    const items = historyTokens(hi);
    const categories = historyTokens(hc);
    if (items.length !== categories.length)
      throw new ImportError(
        'shape-mismatch',
        `${file} line ${line}: hist_items has ${items.length} behaviours and hist_categories ${categories.length}; they must be equal (one category per behaviour).`,
        `Check line ${line}'s histories.`,
      );
    if (items.length > MAX_ROW_HISTORY)
      throw new ImportError(
        'too-large',
        `${file} line ${line}: the history holds ${items.length} behaviours; RecLens reads at most ${MAX_ROW_HISTORY} per sample.`,
        'Cut histories to their most recent behaviours.',
      );
    builder.addTokens(Number(l), u, i, c, items, categories);
  };

  return {
    format: 'sequence-csv',
    get lines() {
      return lines;
    },
    push(line) {
      lines++;
      const cells = records.push(line, lines);
      if (!cells) return;
      if (!columns) header(cells, records.recordLine);
      else row(cells, records.recordLine);
    },
    finish(): Promise<SequenceDataset> {
      records.end();
      if (!columns) return Promise.reject(new ImportError('empty', `${file} is empty.`, `Start the file with the header ${SEQUENCE_CSV_COLUMNS.join(',')}.`));
      return Promise.resolve(builder.build(options.fileName ?? 'sequence.csv'));
    },
  };
}
