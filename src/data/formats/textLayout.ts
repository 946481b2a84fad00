import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import { parseCell, splitCells, type Delimiter } from './textCells.ts';
import { textLines } from './textLines.ts';

/** How a text table is laid out, decided from its first lines. */
export interface TextLayout {
  delimiter: Delimiter;
  /** Line number of the header line, or 0 when there is none. */
  headerLine: number;
  /** The first cell of every row is a label, not a value. */
  labelColumn: boolean;
  dim: number;
  /** Rows the word2vec / fastText header line "<count> <dim>" declares, when the file has one. */
  declaredRows?: number;
}

const SAMPLE_LINES = 100;
const SAMPLE_BYTES = 1 << 20;

const isNumber = (cell: string) => parseCell(cell) !== undefined;

/**
 * Reads the first lines to find the delimiter, a header line (every cell non-numeric, or pandas'
 * default column names 0..K-1 after an index cell) and a label column (a non-numeric first cell
 * in the first row and in at least half the sampled rows).
 */
export async function detectTextLayout(src: ByteSource, delimiter: 'tab' | 'comma', sliceBytes: number): Promise<TextLayout> {
  const sample: { line: number; text: string }[] = [];
  for await (const batch of textLines(src, sliceBytes)) {
    batch.lines.forEach((text, i) => {
      if (text.trim() !== '') sample.push({ line: batch.firstLine + i, text });
    });
    if (sample.length >= SAMPLE_LINES || batch.bytesDone >= SAMPLE_BYTES) break;
  }
  if (sample.length === 0) throw new ImportError('empty', `${src.name} holds no rows`, 'Export the table with one row per line');
  const split: Delimiter = delimiter === 'tab' && !sample[0].text.includes('\t') && /\S\s+\S/.test(sample[0].text) ? 'space' : delimiter;
  const rows = sample.map((s) => splitCells(s.text, split));
  const word2vec = word2vecHeader(rows);
  if (word2vec) return { delimiter: split, headerLine: sample[0].line, labelColumn: true, dim: word2vec.dim, declaredRows: word2vec.count };
  const header = rows[0].every((c) => !isNumber(c)) || isPandasHeader(rows[0]);
  const data = header ? rows.slice(1) : rows;
  if (data.length === 0) {
    throw new ImportError('empty', `${src.name} has a header line but no rows`, 'Export the table with one row per line');
  }
  // Vocabularies hold numeric-looking tokens ("42", "1990") too: the first row and half the sample decide.
  const textFirst = data.filter((cells) => !isNumber(cells[0])).length;
  const labelColumn = data[0].length > 1 && !isNumber(data[0][0]) && textFirst * 2 >= data.length;
  const dim = data[0].length - (labelColumn ? 1 : 0);
  return { delimiter: split, headerLine: header ? sample[0].line : 0, labelColumn, dim };
}

/**
 * word2vec / fastText text (.txt, .vec): a first line "<count> <dim>", then a word and dim values
 * per line. The words are labels even when they look like numbers (item2vec's item IDs).
 */
function word2vecHeader(rows: string[][]): { count: number; dim: number } | null {
  const [first, second] = rows;
  if (!second || first.length !== 2 || !first.every((c) => /^\d+$/.test(c.trim()))) return null;
  const dim = Number(first[1]);
  return dim >= 1 && second.length === dim + 1 ? { count: Number(first[0]), dim } : null;
}

/** pandas' to_csv with default column names: an index cell, then 0, 1, ..., K-1. */
function isPandasHeader(cells: string[]): boolean {
  return cells.length > 1 && !isNumber(cells[0]) && cells.slice(1).every((c, i) => c.trim() === String(i));
}
