/**
 * Multi-label CSV/TSV from a dropped file's text: a header, then one impression per line with
 * categorical columns (user, item, side fields) and several 0/1 label columns, as in TikTok /
 * KuaiRand logs (is_click, like, finish, follow, ...) and Ali-CCP (click, conversion).
 * Label columns are given by the caller or found by a heuristic: every value 0 or 1 and a name
 * that reads like a label. Every other column is a categorical field (minus ignored ones);
 * numeric ones are bucketed (numericBuckets.ts). Records follow RFC 4180 (csv.ts).
 */
import { CsvRecordReader, sniffDelimiter } from '../csv.ts';
import { firstNumberCell } from '../ctr/ctrCsv.ts';
import { CutShortCheck } from '../formats/cutShort.ts';
import { ImportError } from '../importError.ts';
import type { CtrDataset, DatasetDetection } from '../ctr/ctrDataset.ts';
import { CtrTableBuilder, type CtrBuildOptions } from '../ctr/ctrTableBuilder.ts';

export const LABEL_NAME_PATTERN = /click|like|finish|follow|conv|purchase|label/i;
const USER_NAME_PATTERN = /user|uid/i;

export interface MtlCsvOptions extends CtrBuildOptions {
  /** Label columns by name, in task order. Default: detectLabelColumns. */
  labelColumns?: readonly string[];
  /** Columns to drop (ids, timestamps); matched by name. */
  ignoreColumns?: readonly string[];
  /** Column whose values group rows for gAUC; default the first feature column whose name contains user/uid. null for none. */
  userColumn?: string | null;
  name?: string;
  fileName?: string;
}

interface Table {
  header: string[];
  rows: string[][];
  /** 1-based file line of each row. */
  lines: number[];
}

function splitTable(text: string, fileName: string): Table {
  const all = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (all[all.length - 1] === '') all.pop();
  let h = 0;
  while (h < all.length && all[h].trim() === '') h++;
  if (h === all.length) throw new ImportError('empty', `${fileName} is empty.`, 'Drop a CSV or TSV file with a header line and one impression per line.');
  // RFC 4180 records (csv.ts): a quoted field may hold the delimiter, quotes and line breaks.
  const reader = new CsvRecordReader(sniffDelimiter(all[h]), fileName);
  let header: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  // The last line may be cut short when no newline ends it (cutShort.ts's rule).
  const cutShort = new CutShortCheck(fileName);
  const unterminated = !text.endsWith('\n') && !text.endsWith('\r');
  for (let i = h; i < all.length; i++) {
    if (!reader.pending && all[i].trim() === '') continue;
    const record = reader.push(all[i], i + 1);
    if (!record) continue;
    const cells = record.map((c) => c.trim());
    const at = reader.recordLine;
    if (!header) {
      header = cells;
      checkHeader(header, at, fileName);
      continue;
    }
    const mayBeCut = unterminated && i === all.length - 1;
    cutShort.cellCount(at, cells.length, header.length, mayBeCut);
    if (cells.length !== header.length) {
      throw new ImportError(
        'ragged-row',
        `${fileName} line ${at} has ${cells.length} columns; the header names ${header.length} (${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}).`,
        `Check that line ${at} is complete, uses the same separator as the header, and that fields holding a separator are in double quotes.`,
      );
    }
    cutShort.lastCell(at, cells[cells.length - 1], mayBeCut);
    rows.push(cells);
    lines.push(at);
  }
  reader.end();
  if (!header || rows.length === 0)
    throw new ImportError('empty', `${fileName} has a header but no data rows.`, 'Drop the data file itself, not only its header.');
  return { header, rows, lines };
}

/** The first record must name every column: a number among its cells means the file has no header. */
function checkHeader(header: readonly string[], line: number, fileName: string): void {
  const number = firstNumberCell(header);
  if (number >= 0) {
    throw new ImportError(
      'bad-header',
      `${fileName} has no header: line ${line} is data (column ${number + 1} is the number "${header[number].slice(0, 20)}"), and a multi-label file needs names for its label columns.`,
      'Add a first line naming every column, the labels named like click, like, finish, follow or conversion.',
    );
  }
  if (header.length < 2 || header.some((c) => c === '')) {
    throw new ImportError(
      'bad-header',
      `${fileName} line ${line}: the header "${header.join(',').slice(0, 80)}" does not name every column.`,
      'The first line must name every column, separated by commas or tabs.',
    );
  }
}

/** Columns whose every value is 0 or 1 and whose name reads like a label, in column order. */
export function detectLabelColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return header.filter((name, c) => LABEL_NAME_PATTERN.test(name) && rows.every((r) => r[c] === '0' || r[c] === '1'));
}

export function parseMtlCsv(text: string, options: MtlCsvOptions = {}): CtrDataset {
  const fileName = options.fileName ?? 'The file';
  const { header, rows, lines } = splitTable(text, fileName);
  const columnOf = (name: string, role: string): number => {
    const c = header.indexOf(name);
    if (c < 0)
      throw new ImportError(
        'bad-header',
        `${fileName} has no ${role} column "${name}"; its columns are ${header.join(', ')}.`,
        `Pick the ${role} columns among ${header.join(', ')}.`,
      );
    return c;
  };
  const labelNames = options.labelColumns ? [...options.labelColumns] : detectLabelColumns(header, rows);
  if (labelNames.length === 0) {
    throw new ImportError(
      'bad-header',
      `${fileName}: no label columns found among ${header.join(', ')}. A label column holds only 0 and 1 and is named like click, like, finish, follow, conversion, purchase or label.`,
      'Pick the label columns by hand, or rename them (e.g. is_click, is_like).',
    );
  }
  const labelCols = labelNames.map((n) => columnOf(n, 'label'));
  const ignored = new Set((options.ignoreColumns ?? []).map((n) => columnOf(n, 'ignored')));
  const featureCols = header.map((_, c) => c).filter((c) => !labelCols.includes(c) && !ignored.has(c));
  if (featureCols.length === 0) {
    throw new ImportError(
      'bad-header',
      `${fileName}: every column (${header.join(', ')}) is a label or ignored; there is nothing to embed.`,
      'Keep at least one categorical column such as user or item.',
    );
  }
  let userCol: number | undefined;
  if (options.userColumn) userCol = columnOf(options.userColumn, 'user');
  else if (options.userColumn === undefined) userCol = featureCols.find((c) => USER_NAME_PATTERN.test(header[c]));

  const builder = new CtrTableBuilder(
    featureCols.map((c) => header[c]),
    labelNames,
    { withGroups: userCol !== undefined },
  );
  const tokens = new Array<string>(featureCols.length);
  const labels = new Array<number>(labelCols.length);
  rows.forEach((cells, r) => {
    for (let t = 0; t < labelCols.length; t++) {
      const cell = cells[labelCols[t]];
      if (cell !== '0' && cell !== '1') {
        throw new ImportError(
          'non-numeric',
          `${fileName} line ${lines[r]}: label column ${labelNames[t]} is "${cell.slice(0, 40)}", not 0 or 1.`,
          `Fix line ${lines[r]} or pick other label columns.`,
        );
      }
      labels[t] = cell === '1' ? 1 : 0;
    }
    for (let f = 0; f < featureCols.length; f++) tokens[f] = cells[featureCols[f]];
    builder.addRow(tokens, labels, 0, userCol === undefined ? '' : cells[userCol]);
  });
  const bucketed = builder.bucketNumeric();
  const clickConversion = labelNames.length === 2 && /click/i.test(labelNames[0]) && /conv|purchase|buy/i.test(labelNames[1]);
  const origin = clickConversion ? 'ali-ccp' : 'multi-label-csv';
  const detection: DatasetDetection = {
    layout: 'CSV with a header',
    header: true,
    label: labelNames.join(', '),
    bucketed,
    ignored: [...ignored].map((c) => ({ name: header[c], why: 'ignored by choice' })),
  };
  const dataset = builder.build(options.name ?? options.fileName ?? origin, origin, options);
  const allRare = dataset.fields.filter((f) => f.cardinality === 1).map((f) => f.name);
  return { ...dataset, detection: { ...detection, ...(allRare.length > 0 ? { allRare } : {}) } };
}
