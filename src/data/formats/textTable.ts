import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile } from '../tableFile.ts';
import type { TensorInfo } from '../../contracts/tables.ts';
import { CutShortCheck } from './cutShort.ts';
import { stripExtension } from './npy.ts';
import { blockRowCount } from './rowBlocks.ts';
import { asImportError, expectOnlyTensor, labelsToRefill } from './tableFromTensors.ts';
import { parseCell, splitCells } from './textCells.ts';
import { detectTextLayout, type TextLayout } from './textLayout.ts';
import { TEXT_SLICE_BYTES, textLines } from './textLines.ts';

export interface TextTableOptions {
  format: 'tsv' | 'csv';
  /** Labels from a metadata file; they take precedence over a label column. */
  metadataLabels?: string[];
  /** Bytes per read (tests use tiny slices to cross line and character boundaries). */
  sliceBytes?: number;
}

/**
 * Opens an Embedding Projector TSV or a CSV. Rows are unknown until read: the tensor's shape is
 * [-1, dim] until readRows has streamed the whole file, then [rows, dim]. A label column's labels
 * fill TableFile.labels as rows are read.
 */
export async function openTextTable(src: ByteSource, options: TextTableOptions): Promise<TableFile> {
  const sliceBytes = options.sliceBytes ?? TEXT_SLICE_BYTES;
  const layout = await detectTextLayout(src, options.format === 'csv' ? 'comma' : 'tab', sliceBytes);
  const info: TensorInfo = { name: stripExtension(src.name), shape: [-1, layout.dim], dtype: 'float64', analysable: true };
  const labels = options.metadataLabels ?? (layout.labelColumn ? [] : undefined);
  const table: TableFile = {
    format: options.format,
    source: src,
    tensors: [info],
    labels,
    async *readRows(name: string, opts: ReadOptions = {}) {
      expectOnlyTensor(src, info, name);
      const rowLabels = labelsToRefill(options.metadataLabels, labels);
      try {
        const rows = yield* parseRows(src, layout, opts, sliceBytes, rowLabels);
        info.shape = [rows, layout.dim];
        if (layout.declaredRows !== undefined && layout.declaredRows !== rows) {
          throw new ImportError(
            rows < layout.declaredRows ? 'truncated' : 'shape-mismatch',
            `${src.name}: its first line declares ${layout.declaredRows} vectors but the file has ${rows}`,
            rows < layout.declaredRows
              ? 'The file was cut short: copy or export it again'
              : 'Check the count in the first line: it must equal the number of vectors',
          );
        }
        if (options.metadataLabels && options.metadataLabels.length !== rows) {
          throw new ImportError(
            'shape-mismatch',
            `the metadata has ${options.metadataLabels.length} labels but ${src.name} has ${rows} rows`,
            'Use the metadata file exported with this table (one label per row)',
          );
        }
      } catch (error) {
        throw asImportError(error, src.name);
      }
    },
  };
  return table;
}

function quoteCell(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}...` : cell);
}

/** Streams the values into row blocks; returns the number of rows. */
async function* parseRows(
  src: ByteSource,
  layout: TextLayout,
  opts: ReadOptions,
  sliceBytes: number,
  labels: string[] | undefined,
): AsyncGenerator<RowBlock, number> {
  const { dim, delimiter, headerLine } = layout;
  const first = layout.labelColumn ? 1 : 0;
  const step = blockRowCount(opts.chunkRows, dim);
  let block = new Float64Array(step * dim);
  let filled = 0;
  let startRow = 0;
  const cutShort = new CutShortCheck(src.name);
  for await (const batch of textLines(src, sliceBytes, opts.signal)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      const lineNumber = batch.firstLine + i;
      if (lineNumber === headerLine || line.trim() === '') continue;
      const mayBeCut = batch.lastLineUnterminated && i === batch.lines.length - 1;
      const cells = splitCells(line, delimiter);
      if (cells.length - first !== dim) {
        cutShort.cellCount(lineNumber, cells.length - first, dim, mayBeCut, 'values');
        throw new ImportError(
          'ragged-row',
          `${src.name}: line ${lineNumber} has ${cells.length - first} values but the table has ${dim} columns`,
          'Give every row the same number of values',
        );
      }
      const base = filled * dim - first;
      for (let c = first; c < cells.length; c++) {
        const value = parseCell(cells[c]);
        if (value === undefined) {
          if (c === cells.length - 1) cutShort.invalidLastCell(lineNumber, cells[c], mayBeCut);
          throw new ImportError(
            'non-numeric',
            `${src.name}: line ${lineNumber}, column ${c + 1}: ${quoteCell(cells[c])} is not a number`,
            `Fix that cell: ${layout.labelColumn ? 'after the label column ' : ''}every cell must be a number`,
          );
        }
        block[base + c] = value;
      }
      cutShort.lastCell(lineNumber, cells[cells.length - 1].trim(), mayBeCut);
      labels?.push(cells[0].trim());
      if (++filled === step) {
        yield { data: block, rows: filled, dim, startRow, bytesDone: batch.bytesDone };
        throwIfAborted(opts.signal);
        startRow += filled;
        block = new Float64Array(step * dim);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield { data: block.slice(0, filled * dim), rows: filled, dim, startRow, bytesDone: src.size };
  return startRow + filled;
}
