import { ImportError } from './importError.ts';

/** Rows of plain cells with a header: what every chart and table exports as CSV. */
export interface CsvTable {
  header: readonly string[];
  rows: readonly (readonly CsvCell[])[];
}

/** A number that is not finite (NaN, a layer nobody moved yet) is written as an empty cell. */
export type CsvCell = string | number | null | undefined;

/** One field per RFC 4180: quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The table as RFC 4180 CSV: CRLF after every record, the last included. */
export function toCsv(table: CsvTable): string {
  return [table.header, ...table.rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Lines one quoted field may span before the reader calls the quote unclosed. */
export const MAX_CSV_RECORD_LINES = 1000;
/** Characters one record may hold (16 Mi, textLines's line limit). */
export const MAX_CSV_RECORD_CHARS = 16 * 2 ** 20;

/** The separator of a delimited text line: a tab if it has one, else a comma, else a semicolon, else a comma. */
export function sniffDelimiter(line: string): ',' | '\t' | ';' {
  return line.includes('\t') ? '\t' : line.includes(',') ? ',' : line.includes(';') ? ';' : ',';
}

/** The first cell (or part of it) quoted for an error message. */
function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * Reads RFC 4180 records from the lines of a file, one line at a time, so it streams: a field in
 * double quotes may hold the delimiter, doubled quotes ("") and line breaks (a record then spans
 * several lines); every other field is taken as it is. As in Python's csv module, a quote inside
 * an unquoted field is a literal character. Text between a closing quote and the next delimiter
 * is an error (RFC 4180 allows none), as is a quote still open when the file ends or after
 * MAX_CSV_RECORD_LINES lines. Any delimiter of one character works (tab-separated files too).
 */
export class CsvRecordReader {
  private cells: string[] = [];
  private cell = '';
  private inQuotes = false;
  private quoted = false;
  private lines = 0;
  private chars = 0;
  private start = 0;
  private quoteLine = 0;

  constructor(
    readonly delimiter: string,
    private readonly fileName = 'The file',
  ) {}

  /** True while a quoted field continues on the next line. */
  get pending(): boolean {
    return this.inQuotes;
  }

  /** 1-based line on which the record last returned (or the one pending) began. */
  get recordLine(): number {
    return this.start;
  }

  /**
   * Takes the next line (without its line terminator) and its 1-based number; returns the cells of
   * the record it completes, or null while a quoted field goes on to the next line.
   */
  push(line: string, lineNumber: number): string[] | null {
    if (!this.inQuotes) {
      this.cells = [];
      this.cell = '';
      this.quoted = false;
      this.lines = 0;
      this.chars = 0;
      this.start = lineNumber;
    } else {
      this.cell += '\n';
    }
    this.lines++;
    this.chars += line.length + 1;
    if (this.lines > MAX_CSV_RECORD_LINES || this.chars > MAX_CSV_RECORD_CHARS) throw this.unclosed(true);
    const d = this.delimiter;
    let i = 0;
    const n = line.length;
    while (i < n) {
      if (this.inQuotes) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          this.cell += line.slice(i);
          i = n;
        } else if (line[q + 1] === '"') {
          this.cell += line.slice(i, q + 1);
          i = q + 2;
        } else {
          this.cell += line.slice(i, q);
          this.inQuotes = false;
          i = q + 1;
          if (i < n && line[i] !== d) {
            const next = line.indexOf(d, i);
            throw new ImportError(
              'bad-header',
              `${this.fileName} line ${lineNumber}, column ${this.cells.length + 1}: ${shown(line.slice(i, next < 0 ? n : next))} follows a closing quote; a quoted field must end at a ${d === '\t' ? 'tab' : `"${d}"`} or the line's end.`,
              'Quote the whole field and double every quote inside it (RFC 4180), or check that this line is not damaged.',
            );
          }
        }
        continue;
      }
      const c = line[i];
      if (c === d) {
        this.cells.push(this.cell);
        this.cell = '';
        this.quoted = false;
        i++;
      } else if (c === '"' && this.cell === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        this.quoteLine = lineNumber;
        i++;
      } else {
        const next = line.indexOf(d, i);
        const end = next < 0 ? n : next;
        this.cell += line.slice(i, end);
        i = end;
      }
    }
    if (this.inQuotes) return null;
    this.cells.push(this.cell);
    return this.cells;
  }

  /** Call when the file ends: throws when a quoted field is still open. */
  end(): void {
    if (this.inQuotes) throw this.unclosed(false);
  }

  private unclosed(tooLong: boolean): ImportError {
    return new ImportError(
      tooLong ? 'too-large' : 'truncated',
      tooLong
        ? `${this.fileName} line ${this.quoteLine}: a quoted field opens in column ${this.cells.length + 1} and is still open ${this.lines - 1} lines (${this.chars} characters) later; RecLens stops at ${MAX_CSV_RECORD_LINES} lines.`
        : `${this.fileName} line ${this.quoteLine}: a quoted field opens in column ${this.cells.length + 1} and the file ends before its closing quote.`,
      'Close the quote (a quote inside a quoted field is written twice, ""), or check that the file is complete.',
    );
  }
}

/**
 * Records of a streamed text file whose delimiter is sniffed from its first non-blank line; blank
 * lines between records are skipped (a blank line inside a quoted field is part of it).
 */
export class SniffedCsvRecords {
  private reader: CsvRecordReader | undefined;

  constructor(private readonly fileName: string) {}

  /** The sniffed delimiter; undefined before the first non-blank line. */
  get delimiter(): string | undefined {
    return this.reader?.delimiter;
  }

  /** 1-based line on which the record last returned began. */
  get recordLine(): number {
    return this.reader?.recordLine ?? 0;
  }

  /** The cells of the record this line completes, or null (a blank line, or a quoted field going on). */
  push(line: string, lineNumber: number): string[] | null {
    if (!this.reader?.pending && line.trim() === '') return null;
    this.reader ??= new CsvRecordReader(sniffDelimiter(line), this.fileName);
    return this.reader.push(line, lineNumber);
  }

  /** Call when the file ends: throws when a quoted field is still open. */
  end(): void {
    this.reader?.end();
  }
}

/** The records of a whole text (Node tools and tests); blank lines outside quotes are skipped. */
export function parseCsvText(text: string, delimiter = sniffDelimiter(text.slice(0, text.indexOf('\n') >>> 0)), fileName?: string): string[][] {
  const reader = new CsvRecordReader(delimiter, fileName);
  const out: string[][] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!reader.pending && line.trim() === '') return;
    const record = reader.push(line, i + 1);
    if (record) out.push(record);
  });
  reader.end();
  return out;
}
