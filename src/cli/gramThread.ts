/**
 * A worker thread of `reclens analyze`: sums the float64 Gram of one row range of a C-order tensor
 * read straight from the file (see threadTensorGram.ts), and posts back its GramState.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeElements } from '../data/formats/decode.ts';
import type { RowRangeJob } from '../engine/rowRangeGram.ts';
import { ImportError } from '../data/importError.ts';
import { toSerializedError } from '../workers/analysisErrors.ts';

/** Bytes per read; two buffers of this size are read into in turn, the next while this one is summed. */
const BLOCK_BYTES = 8 << 20;

export interface GramThreadJob {
  path: string;
  job: RowRangeJob;
}

/** Fills `buffer` from `position` on (fewer bytes only at the end of the file); the count read. */
async function fill(file: FileHandle, buffer: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await file.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Sums rows [from, to): two fixed buffers, no allocation per block (a fresh buffer per 8 MB read
 * kept the garbage collector busy: 12% of the CLI's time in a profile), and aligned little-endian
 * floats are summed straight from the buffer.
 */
async function sumRange({ path, job }: GramThreadJob): Promise<void> {
  const { layout, from, to, mode } = job;
  const { dim, dtype, dataOffset } = layout;
  const rowBytes = dim * dtype.itemSize;
  const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  const buffers = [new Uint8Array(blockRows * rowBytes), new Uint8Array(blockRows * rowBytes)];
  const file = await open(path, 'r');
  try {
    const acc = new GramAccumulator(dim, mode);
    const read = (row: number, which: number) => {
      const n = Math.min(blockRows, to - row);
      return fill(file, buffers[which].subarray(0, n * rowBytes), dataOffset + row * rowBytes);
    };
    let pending = read(from, 0);
    for (let row = from, which = 0; row < to; which = 1 - which) {
      const n = Math.min(blockRows, to - row);
      const got = await pending;
      if (got < n * rowBytes) {
        const where = row + Math.floor(got / rowBytes) + 1;
        throw new ImportError('truncated', `${basename(path)} is truncated: it ends inside row ${where}`, 'Re-export the file; it was cut off');
      }
      if (row + n < to) pending = read(row + n, 1 - which);
      acc.add(decodeElements(buffers[which].subarray(0, n * rowBytes), dtype, n * dim), n);
      row += n;
      parentPort?.postMessage({ type: 'rows', rowsDone: row - from });
    }
    parentPort?.postMessage({ type: 'done', state: acc.state() });
  } finally {
    await file.close();
  }
}

sumRange(workerData as GramThreadJob).catch((error: unknown) => parentPort?.postMessage({ type: 'error', error: toSerializedError(error) }));
