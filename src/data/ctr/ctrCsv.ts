/**
 * CTR data as public repositories ship it: a CSV (or TSV) with a header, one impression per
 * record, RFC 4180 quoting (csv.ts), as DeepCTR's examples (criteo_sample.txt: label, I1..I13,
 * C1..C26) and FuxiCTR's tiny data (label `clk`) lay it out. The label is the first column named
 * label, clk, click or is_click; without one, a `rating` column gives click = rating >= 4, the
 * MovieLens rule of movielens.ts. Other 0/1 columns named like a label (a multi-task file's
 * conversion) and a column named `id` are left out. Numeric columns are bucketed
 * (numericBuckets.ts). A file whose line 1 is data (a number among its cells) has no header: when
 * its first column is a 0/1 label it is read with the label first (Criteo's 40-column layout
 * named label, I1..I13, C1..C26, other widths col1..colN), and the loader says so; otherwise it
 * is refused with a message naming the cell that made it data.
 */
import { SniffedCsvRecords } from '../csv.ts';
import { ImportError } from '../importError.ts';
import { CRITEO_FIELDS } from './criteo.ts';
import type { CtrDataset, DatasetDetection } from './ctrDataset.ts';
import { parseLines, type CtrParseOptions, type CtrParser } from './ctrParser.ts';
import { CtrTableBuilder } from './ctrTableBuilder.ts';
import { cutShortCheck } from './lineParser.ts';
import { isNumberCell } from './numericBuckets.ts';

/** Label column names, lower case, in the order they are preferred. */
export const LABEL_COLUMN_NAMES = ['label', 'clk', 'click', 'is_click'];
/** Names of other tasks' labels in a multi-task file: left out of the fields when they hold only 0/1. */
const OTHER_LABEL_NAME = /click|clk|like|finish|follow|conv|purchase|label/i;
const IGNORED_NAMES = new Set(['id']);
const MOVIELENS_CLICK_RATING = 4;
/** Columns one record may have. */
export const MAX_CSV_COLUMNS = 10_000;

/** The first cell of a record that is a number (so the record is data, not a header), or -1. */
export function firstNumberCell(cells: readonly string[]): number {
  return cells.findIndex((c) => isNumberCell(c.trim()));
}

/** A record names columns when every cell is non-empty text, no cell a number, no name twice. */
export function looksLikeHeader(cells: readonly string[]): boolean {
  const names = cells.map((c) => c.trim());
  return names.every((c) => c !== '') && firstNumberCell(names) < 0 && new Set(names).size === names.length;
}

/** A 0/1 label cell (pandas writes "1.0" for a float column). */
export function isBinary(cell: string): boolean {
  const v = cell.trim();
  return v === '0' || v === '1' || v === '0.0' || v === '1.0';
}

/** The label column of a header: its index and name, or the rating column it falls back to. */
export function labelOf(names: readonly string[]): { column: number; rating: boolean } | null {
  const lower = names.map((n) => n.toLowerCase());
  for (const wanted of LABEL_COLUMN_NAMES) {
    const c = lower.indexOf(wanted);
    if (c >= 0) return { column: c, rating: false };
  }
  const r = lower.indexOf('rating');
  return r >= 0 ? { column: r, rating: true } : null;
}

function shown(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

export function createCsvParser(options: CtrParseOptions & { fileName?: string } = {}): CtrParser {
  const file = options.fileName ?? options.name ?? 'The CSV file';
  const maxRows = options.maxRows ?? Infinity;
  const cutShort = cutShortCheck('CSV', options);
  const records = new SniffedCsvRecords(file);
  let builder: CtrTableBuilder | undefined;
  let names: string[] = [];
  let labelColumn = -1;
  let rating = false;
  let fieldColumns: number[] = [];
  let tokens: string[] = [];
  const label = [0];
  let detection: DatasetDetection | undefined;
  let lineNumber = 0;

  const start = (cells: string[], line: number): boolean => {
    if (cells.length > MAX_CSV_COLUMNS)
      throw new ImportError(
        'too-large',
        `${file} line ${line} has ${cells.length} columns; RecLens reads at most ${MAX_CSV_COLUMNS}.`,
        'Keep the columns a model embeds (label and categorical fields).',
      );
    const header = looksLikeHeader(cells);
    if (header) {
      names = cells.map((c) => c.trim());
      const found = labelOf(names);
      if (!found)
        throw new ImportError(
          'bad-header',
          `${file} line ${line}: no label column among ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}. RecLens takes the label from a column named ${LABEL_COLUMN_NAMES.join(', ')} (or rating, clicked when >= ${MOVIELENS_CLICK_RATING}).`,
          'Rename the 0/1 label column to label, clk or click.',
        );
      labelColumn = found.column;
      rating = found.rating;
    } else {
      const data = firstNumberCell(cells);
      if (cells.length < 2 || !isBinary(cells[0])) {
        const why =
          data >= 0
            ? `column ${data + 1} is the number ${shown(cells[data].trim())}`
            : cells.some((c) => c.trim() === '')
              ? 'a column has no name'
              : 'a name repeats';
        throw new ImportError(
          'bad-header',
          `${file} line ${line} is not a header (${why}), and its column 1 (${shown(cells[0])}) is not a 0/1 label that a file without a header would start with.`,
          `Add a header line naming the columns, the label column named ${LABEL_COLUMN_NAMES.slice(0, 3).join(', ')}; or put the 0/1 label first.`,
        );
      }
      names = cells.length === CRITEO_FIELDS.length + 1 ? ['label', ...CRITEO_FIELDS] : cells.map((_, i) => (i === 0 ? 'label' : `col${i + 1}`));
      labelColumn = 0;
    }
    const ignored = names.map((_, c) => c).filter((c) => c !== labelColumn && IGNORED_NAMES.has(names[c].toLowerCase()));
    fieldColumns = names.map((_, c) => c).filter((c) => c !== labelColumn && !ignored.includes(c));
    if (fieldColumns.length === 0)
      throw new ImportError(
        'bad-header',
        `${file} has only a label column (${names[labelColumn]}): there is nothing to embed.`,
        'Keep the categorical columns.',
      );
    tokens = new Array<string>(fieldColumns.length);
    builder = new CtrTableBuilder(
      fieldColumns.map((c) => names[c]),
      [rating ? 'click' : names[labelColumn]],
    );
    const delimiter = records.delimiter === '\t' ? 'TSV' : records.delimiter === ';' ? 'semicolon-separated' : 'CSV';
    detection = {
      layout: header ? `${delimiter} with a header` : `${delimiter} without a header (line 1 is data)`,
      header,
      label: rating ? `rating >= ${MOVIELENS_CLICK_RATING}` : header ? names[labelColumn] : 'column 1',
      bucketed: [],
      ignored: ignored.map((c) => ({ name: names[c], why: 'an id' })),
    };
    return header;
  };

  const addRow = (cells: string[], line: number, mayBeCut: boolean): void => {
    cutShort.cellCount(line, cells.length, names.length, mayBeCut);
    if (cells.length !== names.length)
      throw new ImportError(
        'ragged-row',
        `${file} line ${line} has ${cells.length} columns; ${detection!.header ? 'the header names' : 'line 1 has'} ${names.length}.`,
        `Check that line ${line} is complete and that fields holding a comma are in double quotes.`,
      );
    const cell = cells[labelColumn].trim();
    if (rating) {
      if (!isNumberCell(cell)) throw new ImportError('non-numeric', `${file} line ${line}: rating is ${shown(cell)}, not a number.`, `Check line ${line}.`);
      label[0] = Number(cell) >= MOVIELENS_CLICK_RATING ? 1 : 0;
    } else {
      if (!isBinary(cell))
        throw new ImportError(
          'non-numeric',
          `${file} line ${line}, column ${labelColumn + 1} (${names[labelColumn]}): the label is ${shown(cell)}, not 0 or 1.`,
          `Check line ${line}, or that ${names[labelColumn]} is the label column.`,
        );
      label[0] = Number(cell);
    }
    for (let f = 0; f < fieldColumns.length; f++) tokens[f] = cells[fieldColumns[f]];
    cutShort.lastCell(line, cells[cells.length - 1], mayBeCut);
    builder!.addRow(tokens, label);
  };

  return {
    format: 'csv',
    get rows() {
      return builder?.rows ?? 0;
    },
    get full() {
      return (builder?.rows ?? 0) >= maxRows;
    },
    push(line, mayBeCut = false) {
      lineNumber++;
      if ((builder?.rows ?? 0) >= maxRows) return;
      const cells = records.push(line, lineNumber);
      if (!cells) return;
      const at = records.recordLine;
      if (!builder && start(cells, at)) return;
      // The file's last line ends this record (one line or several): the cut-short rule applies to it.
      addRow(cells, at, mayBeCut);
    },
    finish(): CtrDataset {
      records.end();
      if (!builder || builder.rows === 0)
        throw new ImportError(
          'empty',
          `${file} holds no data rows${builder ? ' after its header' : ''}.`,
          'Check that the file is the data file, not only its header.',
        );
      const labelNames = new Set(LABEL_COLUMN_NAMES);
      const otherLabels = builder.fieldNames
        .map((_, f) => f)
        .filter((f) => {
          const name = builder!.fieldNames[f];
          return (OTHER_LABEL_NAME.test(name) || labelNames.has(name.toLowerCase())) && builder!.vocabs[f].tokens.every(isBinary);
        });
      builder.omit(otherLabels);
      const bucketed = builder.bucketNumeric().filter((b) => !otherLabels.includes(builder!.fieldNames.indexOf(b.name)));
      detection = {
        ...detection!,
        bucketed,
        ignored: [...detection!.ignored, ...otherLabels.map((f) => ({ name: builder!.fieldNames[f], why: "another task's 0/1 label" }))],
      };
      const dataset = builder.build(options.name ?? 'csv', 'csv', options);
      const allRare = dataset.fields.filter((f) => f.cardinality === 1).map((f) => f.name);
      return { ...dataset, detection: { ...detection, ...(allRare.length > 0 ? { allRare } : {}) } };
    },
  };
}

export function parseCsvCtrText(text: string, options: CtrParseOptions & { fileName?: string } = {}): CtrDataset {
  return parseLines(createCsvParser(options), text);
}
