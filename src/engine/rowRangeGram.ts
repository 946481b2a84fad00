import { throwIfAborted } from '../data/abort.ts';
import { ImportError } from '../data/importError.ts';
import { decodeElements } from '../data/formats/decode.ts';
import type { RowLayout } from '../data/tableFile.ts';
import { GramAccumulator, type GramState } from '../analysis/gramAccumulator.ts';
import type { SpectrumMode } from '../contracts/tables.ts';

/** Bytes read per block (one reused buffer per range): progress and cancellation are checked between blocks. */
const BLOCK_BYTES = 4 << 20;

/** Rows [from, to) of a C-order 2-D tensor stored in a Blob, to be summed into one Gram. */
export interface RowRangeJob {
  layout: RowLayout;
  from: number;
  to: number;
  mode: SpectrumMode;
}

/** Cuts rows into `parts` contiguous ranges of near-equal size (empty ranges dropped). */
export function splitRows(rows: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const from = Math.floor((rows * p) / parts);
    const to = Math.floor((rows * (p + 1)) / parts);
    if (to > from) ranges.push([from, to]);
  }
  return ranges;
}

/**
 * Reads the next `length` bytes of a row range into `buffer` (fewer only where the data ends).
 * Resolves to the memory holding them (a BYOB reader hands the same memory back in a new
 * ArrayBuffer) and the count. Calls come one after another: the next starts once this one resolved.
 */
export type RangeReader = (buffer: ArrayBuffer, length: number) => Promise<{ buffer: ArrayBuffer; filled: number }>;

/**
 * The float64 Gram of rows [from, to) of a C-order tensor, read block by block with `read` into two
 * fixed buffers in turn: the next block is being read while this one is summed, and nothing is
 * allocated per block (a fresh buffer per read kept the garbage collector busy). Aligned
 * little-endian floats are summed straight from the buffer (decodeElements views it). `onRows` is
 * told the rows summed so far after every block; `name` names the file in a truncation error.
 */
export async function sumRowRange(
  read: RangeReader,
  job: RowRangeJob,
  name: string,
  options: { signal?: AbortSignal; onRows?: (rowsDone: number) => void; blockBytes?: number } = {},
): Promise<GramState> {
  const { layout, from, to, mode } = job;
  if (layout.fortran) throw new RangeError('rowRangeGram reads C-order tensors only');
  const { dim, dtype } = layout;
  const rowBytes = dim * dtype.itemSize;
  const blockRows = Math.max(1, Math.floor((options.blockBytes ?? BLOCK_BYTES) / rowBytes));
  const acc = new GramAccumulator(dim, mode);
  const buffers = [new ArrayBuffer(Math.min(blockRows, to - from) * rowBytes), new ArrayBuffer(Math.min(blockRows, to - from) * rowBytes)];
  const start = (row: number, which: number) => {
    const reading = read(buffers[which], Math.min(blockRows, to - row) * rowBytes);
    reading.catch(() => {}); // a read still in flight when summing fails is not waited for
    return reading;
  };
  let pending = from < to ? start(from, 0) : null;
  for (let row = from, which = 0; row < to; which = 1 - which) {
    throwIfAborted(options.signal);
    const n = Math.min(blockRows, to - row);
    const { buffer, filled } = await pending!;
    buffers[which] = buffer;
    if (filled < n * rowBytes) {
      const where = row + Math.floor(filled / rowBytes) + 1;
      throw new ImportError('truncated', `${name} is truncated: it ends inside row ${where}`, 'Re-export the file; it was cut off');
    }
    if (row + n < to) pending = start(row + n, 1 - which);
    acc.add(decodeElements(new Uint8Array(buffer, 0, n * rowBytes), dtype, n * dim), n);
    row += n;
    options.onRows?.(row - from);
  }
  return acc.state();
}

/** Reads a Blob's bytes in order with one BYOB stream, into the buffers it is given. */
export function blobRangeReader(reader: ReadableStreamBYOBReader): RangeReader {
  return async (buffer, length) => {
    let filled = 0;
    while (filled < length) {
      const { done, value } = await reader.read(new Uint8Array(buffer, filled, length - filled));
      if (!value) break;
      buffer = value.buffer as ArrayBuffer; // the same memory, handed back in a new ArrayBuffer
      filled += value.byteLength;
      if (done) break;
    }
    return { buffer, filled };
  };
}

/**
 * The float64 Gram of a row range of a Blob, read with one BYOB stream (in Chromium workers ~2x
 * faster than a fresh buffer per block), the next block read while this one is summed.
 */
export async function rowRangeGram(blob: Blob, job: RowRangeJob, signal?: AbortSignal, onRows?: (rowsDone: number) => void): Promise<GramState> {
  const { layout, from, to } = job;
  const rowBytes = layout.dim * layout.dtype.itemSize;
  const start = layout.dataOffset + from * rowBytes;
  const reader = blob
    .slice(start, start + (to - from) * rowBytes)
    .stream()
    .getReader({ mode: 'byob' });
  try {
    return await sumRowRange(blobRangeReader(reader), job, (blob as File).name ?? 'the file', { signal, onRows });
  } finally {
    void reader.cancel().catch(() => {});
  }
}
