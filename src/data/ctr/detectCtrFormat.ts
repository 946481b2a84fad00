/** Which CTR file format a text file is, from its first lines. */
import { ImportError } from '../importError.ts';
import type { CtrFormat } from './ctrParser.ts';
import { CsvRecordReader, sniffDelimiter } from '../csv.ts';
import { firstNumberCell, isBinary, LABEL_COLUMN_NAMES, labelOf, looksLikeHeader } from './ctrCsv.ts';
import { MOVIELENS_CSV_HEADER } from './movielens.ts';

const NUMBER = /^-?\d+(\.\d+)?$/;

function firstDataLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

export function detectCtrFormat(firstLines: readonly string[]): CtrFormat | null {
  const lines = firstDataLines(firstLines);
  if (lines.length === 0) return null;
  const first = lines[0];
  if (first.trim() === MOVIELENS_CSV_HEADER) return 'movielens-csv';
  const header = first.split(',').map((c) => c.trim());
  if (header.includes('click') && header.includes('hour')) return 'avazu';
  const cells = first.split('\t');
  if (cells.length === 40 && (cells[0] === '0' || cells[0] === '1')) return 'criteo';
  if (cells.length === 4 && cells.every((c) => NUMBER.test(c))) return 'movielens-100k';
  const record = firstRecord(first);
  if (record && record.length >= 2) {
    if (looksLikeHeader(record) ? labelOf(record.map((c) => c.trim())) : isBinary(record[0])) return 'csv';
  }
  return null;
}

/** The cells of line 1 as a CSV record, or null when a quoted field runs on past it. */
function firstRecord(line: string): string[] | null {
  try {
    return new CsvRecordReader(sniffDelimiter(line)).push(line, 1);
  } catch {
    return null;
  }
}

/** The format of the file, or an ImportError that says what the first lines look like instead. */
export function requireCtrFormat(firstLines: readonly string[], fileName = 'The file'): CtrFormat {
  const format = detectCtrFormat(firstLines);
  if (format) return format;
  const lines = firstDataLines(firstLines);
  const fix =
    'Use a CSV with a header naming its label column (label, clk or click), a Criteo TSV (label + 39 features), an Avazu CSV with its header, a MovieLens ratings.csv or ml-100k u.data.';
  if (lines.length === 0) return fail('empty', `${fileName} is empty.`, fix);
  const first = lines[0];
  const tabs = first.split('\t').length;
  const commas = first.split(',').length;
  if (tabs === 39)
    return fail(
      'ragged-row',
      `${fileName} has 39 tab-separated columns on line 1: it looks like a Criteo test file, which has no labels.`,
      'Use a Criteo training file (label first, 40 columns).',
    );
  if (tabs === 40)
    return fail('non-numeric', `${fileName} has Criteo's 40 columns, but the label on line 1 is "${first.split('\t')[0].slice(0, 20)}", not 0 or 1.`, fix);
  if (
    commas > 1 &&
    first
      .split(',')
      .map((c) => c.trim())
      .includes('hour')
  ) {
    return fail(
      'bad-header',
      `${fileName} has an Avazu-like header without a "click" column: the Avazu test file has no labels.`,
      'Use the Avazu training file.',
    );
  }
  if (/userid/i.test(first) && /movieid/i.test(first))
    return fail('bad-header', `${fileName}'s header is "${first.slice(0, 60)}", not ${MOVIELENS_CSV_HEADER}.`, fix);
  const record = firstRecord(first);
  if (record && record.length >= 2 && looksLikeHeader(record))
    return fail(
      'bad-header',
      `${fileName} has a header (${record.slice(0, 8).join(', ')}${record.length > 8 ? ', …' : ''}) but no label column: RecLens takes the label from a column named ${LABEL_COLUMN_NAMES.join(', ')} (or rating).`,
      'Rename the 0/1 label column to label, clk or click.',
    );
  if (record && record.length >= 2 && firstNumberCell(record) >= 0)
    return fail(
      'bad-header',
      `${fileName} line 1 is data, not a header (column ${firstNumberCell(record) + 1} is the number "${record[firstNumberCell(record)].trim().slice(0, 20)}"), and its column 1 is not a 0/1 label that a file without a header would start with.`,
      'Add a header line naming the columns, the label column named label, clk or click; or put the 0/1 label first.',
    );
  const layout = tabs > 1 ? `${tabs} tab-separated columns` : commas > 1 ? `${commas} comma-separated columns` : 'a single column';
  return fail(
    'unsupported-format',
    `${fileName} is not a CTR file RecLens reads: line 1 has ${layout} and matches none of Criteo (40 tab-separated, label first), Avazu (CSV header with click and hour), MovieLens (ratings.csv header or 4 tab-separated numbers).`,
    fix,
  );
}

function fail(code: ImportError['code'], message: string, fix: string): never {
  throw new ImportError(code, message, fix);
}
