/**
 * Telling a text file cut short (an interrupted copy or download) from a complete one that merely
 * lacks a final newline. The rule every text reader applies:
 *
 * Only the last line of a file that no newline ends can be cut. That line is named cut short when
 *   (a) it has fewer cells than the file's earlier rows have (a file of one row gives no
 *       such evidence: its format's own errors apply), or
 *   (b) its last cell is not a valid value but is the start of one ("1.5e-", "-", "" where a number
 *       or a 0/1 label belongs), or
 *   (c) its last cell is narrower than that column's cell in each of at least
 *       MIN_ROWS_FOR_WIDTH other rows whose widths are within one of each other: a fixed-format
 *       column (fixed-precision floats, 8-character hex hashes) cut inside its last value; or it
 *       is empty (the line ends right after a separator) while none of those rows has that column
 *       empty. Whole numbers narrower than 6 digits (ids, counts) cross digit boundaries, and
 *       nan/inf are complete values: neither is ever called cut; fixed-width long integers (Unix
 *       times) are measured like the rest.
 * A last line with all its cells, each valid and as wide as its column's, is accepted: many tools
 * write no final newline. A column of varying widths (free text, counts) cannot reveal a cut
 * inside its last value; that case is accepted too.
 */
import { ImportError } from '../importError.ts';

/** Rows a column needs before its width can reveal a cut last value. */
export const MIN_ROWS_FOR_WIDTH = 3;

/**
 * The width a cut shortens: for a number with a decimal point the characters from the point on
 * (sign and integer digits vary between rows of a fixed-precision export), else the whole cell.
 */
export function cellWidth(cell: string): number {
  const point = cell.indexOf('.');
  return point < 0 ? cell.length : cell.length - point;
}

/** nan, inf, infinity: complete values whatever their width (rows holding them are excluded later). */
const SPECIAL = /^\s*[-+]?(nan|inf|infinity)\s*$/i;
/** A whole number: ids and counts vary in width, so only long fixed-width ones (Unix times) say anything. */
const INTEGER = /^\s*[-+]?\d+\s*$/;
/**
 * Whole numbers this wide, all within one digit of each other (Unix times: 9-10 digits), form a
 * fixed-width column; narrower ones (ids, counts, ratings) cross digit boundaries legitimately.
 */
const MIN_FIXED_INTEGER_WIDTH = 6;

/** The range of widths one kind of cell has had in a column. */
class WidthRange {
  min = Infinity;
  max = -Infinity;
  count = 0;

  add(width: number): void {
    if (width < this.min) this.min = width;
    if (width > this.max) this.max = width;
    this.count++;
  }

  /** At least MIN_ROWS_FOR_WIDTH cells, all within one character of each other. */
  get fixed(): boolean {
    return this.count >= MIN_ROWS_FOR_WIDTH && this.max - this.min <= 1;
  }
}

/** The widths one column's cells have had: decimals and tokens, whole numbers and empty cells apart. */
export class ColumnWidths {
  /** Every non-empty cell but nan/inf: hex hashes that happen to be all digits belong with the rest. */
  private readonly all = new WidthRange();
  private readonly integers = new WidthRange();
  private rows = 0;
  private empty = 0;

  observe(cell: string): void {
    this.rows++;
    if (cell === '') {
      this.empty++;
    } else if (!SPECIAL.test(cell)) {
      this.all.add(cellWidth(cell));
      if (INTEGER.test(cell)) this.integers.add(cell.trim().length);
    }
  }

  /**
   * Rule (c): `cell` is narrower than every cell of a fixed-width column (a fixed-precision float
   * cut down to an integer included), or empty in a column never empty. Short whole numbers and
   * nan/inf never count as cut.
   */
  looksCut(cell: string): boolean {
    if (this.rows < MIN_ROWS_FOR_WIDTH) return false;
    if (cell === '') return this.empty === 0;
    if (SPECIAL.test(cell)) return false;
    const { all, integers } = this;
    // A column of whole numbers only: measured when they are long and fixed-width (Unix times).
    if (integers.count === all.count) return integers.fixed && integers.min >= MIN_FIXED_INTEGER_WIDTH && cell.trim().length < integers.min;
    return all.fixed && cellWidth(cell) < all.min;
  }
}

/** A number (decimal, exponent, nan, inf) cut anywhere, "" included. */
const NUMBER_PREFIX = /^\s*[-+]?(\d*\.?\d*([eE][-+]?\d*)?|n|na|i|in|inf|infi|infin|infini|infinit)$/i;

/** Rule (b) for a numeric cell: it is invalid, but a prefix of a valid number. */
export function isCutNumber(cell: string): boolean {
  return NUMBER_PREFIX.test(cell);
}

function quote(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}...` : cell);
}

/**
 * Rules (a) and (c) for one file, row by row. `mayBeCut` is true only for the file's last line
 * when no newline ends it (LineBatch.lastLineUnterminated).
 */
export class CutShortCheck {
  private readonly lastColumn = new ColumnWidths();
  private completeRows = 0;

  constructor(private readonly fileName: string) {}

  /** Rule (a), before the row's other checks. */
  cellCount(lineNumber: number, found: number, expected: number, mayBeCut: boolean, unit = 'columns'): void {
    if (mayBeCut && this.completeRows > 0 && found < expected)
      throw cutShortError(this.fileName, lineNumber, `it has ${found} of the ${expected} ${unit} every row has`);
  }

  /** Rule (b), for a last cell that failed its column's check. */
  invalidLastCell(lineNumber: number, cell: string, mayBeCut: boolean): void {
    if (mayBeCut && isCutNumber(cell)) throw cutShortError(this.fileName, lineNumber, `its last value is ${quote(cell)}`);
  }

  /** Rule (c): every complete row's last cell, in file order. */
  lastCell(lineNumber: number, cell: string, mayBeCut: boolean): void {
    if (mayBeCut && this.lastColumn.looksCut(cell)) {
      const detail =
        cell === '' ? "its last value is empty, and no other row's is" : `its last value ${quote(cell)} is shorter than that column's value in every other row`;
      throw cutShortError(this.fileName, lineNumber, detail);
    }
    this.lastColumn.observe(cell);
    this.completeRows++;
  }
}

/** The 'truncated' error every text reader throws for a cut last line. */
export function cutShortError(fileName: string, lineNumber: number, detail: string): ImportError {
  return new ImportError(
    'truncated',
    `${fileName} ends inside line ${lineNumber}: the file looks cut short (${detail}).`,
    'Copy or download the file again: the copy stopped before the end of the file.',
  );
}
