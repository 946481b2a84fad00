import { CutShortCheck } from '../formats/cutShort.ts';
import { ImportError } from '../importError.ts';
import type { CtrDataset, DatasetDetection } from './ctrDataset.ts';
import type { CtrFormat, CtrParseOptions, CtrParser } from './ctrParser.ts';
import type { CtrTableBuilder } from './ctrTableBuilder.ts';

/**
 * The shared part of every format's parser: line numbering (1-based, blank lines counted but
 * skipped), the row limit, and building the dataset. `handle` turns one non-blank line into a
 * row of the builder (or reads it as the header); `mayBeCut` marks the file's last line when no
 * newline ends it, for the format's CutShortCheck (see cutShortCheck). `detection` says how the
 * format is read, for the Train tab and `reclens dataset`.
 */
export function lineParser(
  format: CtrFormat,
  options: CtrParseOptions,
  handle: (line: string, lineNumber: number, mayBeCut: boolean) => void,
  builder: () => CtrTableBuilder | undefined,
  origin: string,
  detection?: Omit<DatasetDetection, 'allRare'>,
): CtrParser {
  let lineNumber = 0;
  const maxRows = options.maxRows ?? Infinity;
  const rows = (): number => builder()?.rows ?? 0;
  return {
    format,
    get rows() {
      return rows();
    },
    get full() {
      return rows() >= maxRows;
    },
    push(line, mayBeCut = false) {
      lineNumber++;
      if (rows() >= maxRows || line.trim() === '') return;
      handle(line, lineNumber, mayBeCut);
    },
    finish(): CtrDataset {
      const b = builder();
      if (!b || b.rows === 0) {
        throw new ImportError(
          'empty',
          `The ${origin} file holds no data rows.`,
          'Check that the file is not empty and is the data file, not a readme or an index.',
        );
      }
      const dataset = b.build(options.name ?? origin, origin, options);
      if (!detection) return dataset;
      const allRare = dataset.fields.filter((f) => f.cardinality === 1).map((f) => f.name);
      return { ...dataset, detection: { ...detection, ...(allRare.length > 0 ? { allRare } : {}) } };
    },
  };
}

/** The cut-short check of one CTR file, named by the file (importCtrFile passes it as the name) or the format. */
export function cutShortCheck(format: string, options: CtrParseOptions): CutShortCheck {
  return new CutShortCheck(options.name ?? `The ${format} file`);
}

/** ImportError for a line with the wrong number of columns. */
export function columnCountError(format: string, lineNumber: number, found: number, expected: number, layout: string, hint = ''): ImportError {
  return new ImportError(
    'ragged-row',
    `${format} line ${lineNumber} has ${found} columns; expected ${expected} (${layout}).${hint ? ' ' + hint : ''}`,
    `Check that the file is a complete ${format} file and that line ${lineNumber} is not cut off.`,
  );
}

/** ImportError for a cell that should be a number. */
export function notNumericError(format: string, lineNumber: number, column: string, value: string): ImportError {
  return new ImportError(
    'non-numeric',
    `${format} line ${lineNumber}: ${column} is "${value.length > 40 ? value.slice(0, 40) + '…' : value}", not ${column === 'label' || column === 'click' ? '0 or 1' : 'an integer'}.`,
    `Check that the file is a ${format} file and that line ${lineNumber} is not corrupted.`,
  );
}

const INTEGER = /^-?\d+$/;

export function isInteger(cell: string): boolean {
  return INTEGER.test(cell);
}

/** A 0/1 label cell as a number, or throws. */
export function binaryLabel(format: string, lineNumber: number, column: string, cell: string): number {
  if (cell === '0' || cell === '1') return Number(cell);
  throw notNumericError(format, lineNumber, column, cell);
}
