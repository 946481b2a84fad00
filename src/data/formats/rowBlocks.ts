import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, RowLayout } from '../tableFile.ts';
import type { ByteStreamReader } from './byteStreamReader.ts';
import { decodeElements } from './decode.ts';
import { decodesToFloat64 } from './dtype.ts';

export const DEFAULT_CHUNK_ROWS = 16384;
/** Caps a block at 8M values (32-64 MB) whatever chunkRows asks, so wide tables stay streamable. */
const MAX_BLOCK_VALUES = 1 << 23;

/** File bytes consumed once `rowsDone` rows have been read (for RowBlock.bytesDone). */
export type Progress = (rowsDone: number) => number;

export function blockRowCount(chunkRows: number | undefined, dim: number): number {
  const wanted = Math.max(1, Math.floor(chunkRows ?? DEFAULT_CHUNK_ROWS));
  return Math.max(1, Math.min(wanted, Math.floor(MAX_BLOCK_VALUES / dim)));
}

function cutOff(name: string, row: number): ImportError {
  return new ImportError('truncated', `${name} is truncated: it ends inside row ${row + 1}`, 'Re-export the file; it was cut off');
}

/** Streams row blocks from a random-access source with ranged reads; never reads the whole tensor at once. */
export async function* readRowBlocks(src: ByteSource, layout: RowLayout, opts: ReadOptions, progress: Progress): AsyncGenerator<RowBlock> {
  const { rows, dim, dtype, dataOffset } = layout;
  const step = blockRowCount(opts.chunkRows, dim);
  const item = dtype.itemSize;
  for (let startRow = 0; startRow < rows; startRow += step) {
    throwIfAborted(opts.signal);
    const n = Math.min(step, rows - startRow);
    let data: Float32Array | Float64Array;
    if (!layout.fortran) {
      const bytes = await src.read(dataOffset + startRow * dim * item, n * dim * item);
      if (bytes.length < n * dim * item) throw cutOff(src.name, startRow + Math.floor(bytes.length / (dim * item)));
      data = decodeElements(bytes, dtype, n * dim);
    } else {
      // Column-major: each column's slice for these rows is contiguous, so one ranged read per column.
      const columns = await Promise.all(Array.from({ length: dim }, (_, c) => src.read(dataOffset + (c * rows + startRow) * item, n * item)));
      data = decodesToFloat64(dtype.name) ? new Float64Array(n * dim) : new Float32Array(n * dim);
      for (let c = 0; c < dim; c++) {
        if (columns[c].length < n * item) throw cutOff(src.name, startRow);
        const column = decodeElements(columns[c], dtype, n);
        for (let i = 0, j = c; i < n; i++, j += dim) data[j] = column[i];
      }
    }
    throwIfAborted(opts.signal);
    yield { data, rows: n, dim, startRow, bytesDone: progress(startRow + n) };
  }
}

/** Streams C-order row blocks from a sequential stream positioned at the first value (a deflated member). */
export async function* readStreamRowBlocks(
  reader: ByteStreamReader,
  layout: RowLayout,
  opts: ReadOptions,
  name: string,
  progress: Progress,
): AsyncGenerator<RowBlock> {
  const { rows, dim, dtype } = layout;
  const step = blockRowCount(opts.chunkRows, dim);
  const rowBytes = dim * dtype.itemSize;
  for (let startRow = 0; startRow < rows; startRow += step) {
    throwIfAborted(opts.signal);
    const n = Math.min(step, rows - startRow);
    const bytes = await reader.read(n * rowBytes);
    if (bytes.length < n * rowBytes) throw cutOff(name, startRow + Math.floor(bytes.length / rowBytes));
    const data = decodeElements(bytes, dtype, n * dim);
    throwIfAborted(opts.signal);
    yield { data, rows: n, dim, startRow, bytesDone: progress(startRow + n) };
  }
}
