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
 * The float64 Gram of a row range, read with one BYOB stream into one reused buffer: no
 * allocation per block, and aligned little-endian float blocks are summed straight from the
 * buffer (decodeElements views it). Measured in Chromium workers this reads ~2x faster than a
 * fresh buffer per block. `onRows` is told the rows summed so far after every block.
 */
export async function rowRangeGram(blob: Blob, job: RowRangeJob, signal?: AbortSignal, onRows?: (rowsDone: number) => void): Promise<GramState> {
  const { layout, from, to, mode } = job;
  if (layout.fortran) throw new RangeError('rowRangeGram reads C-order tensors only');
  const { dim, dtype, dataOffset } = layout;
  const rowBytes = dim * dtype.itemSize;
  const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  const acc = new GramAccumulator(dim, mode);
  const start = dataOffset + from * rowBytes;
  const reader = blob
    .slice(start, start + (to - from) * rowBytes)
    .stream()
    .getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(blockRows * rowBytes);
  try {
    for (let row = from; row < to;) {
      throwIfAborted(signal);
      const n = Math.min(blockRows, to - row);
      const want = n * rowBytes;
      let filled = 0;
      while (filled < want) {
        const { done, value } = await reader.read(new Uint8Array(buffer, filled, want - filled));
        if (!value) break;
        buffer = value.buffer as ArrayBuffer; // the same memory, handed back in a new ArrayBuffer
        filled += value.byteLength;
        if (done) break;
      }
      if (filled < want) {
        const where = row + Math.floor(filled / rowBytes) + 1;
        throw new ImportError(
          'truncated',
          `${(blob as File).name ?? 'the file'} is truncated: it ends inside row ${where}`,
          'Re-export the file; it was cut off',
        );
      }
      acc.add(decodeElements(new Uint8Array(buffer, 0, want), dtype, n * dim), n);
      row += n;
      onRows?.(row - from);
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  return acc.state();
}
