/**
 * A worker thread of `reclens analyze`: sums the float64 Gram of one row range of a C-order tensor
 * read straight from the file (see threadTensorGram.ts), and posts back its GramState.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { sumRowRange, type RowRangeJob } from '../engine/rowRangeGram.ts';
import { toSerializedError } from '../workers/analysisErrors.ts';

/** Bytes per read (two buffers of this size: see sumRowRange). */
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

/** Sums rows [from, to) with the engine's double-buffered loop, reading the file at its positions. */
async function sumRange({ path, job }: GramThreadJob): Promise<void> {
  const rowBytes = job.layout.dim * job.layout.dtype.itemSize;
  let position = job.layout.dataOffset + job.from * rowBytes;
  const file = await open(path, 'r');
  try {
    const read = async (buffer: ArrayBuffer, length: number) => {
      const filled = await fill(file, new Uint8Array(buffer, 0, length), position);
      position += length;
      return { buffer, filled };
    };
    const state = await sumRowRange(read, job, basename(path), {
      blockBytes: BLOCK_BYTES,
      onRows: (rowsDone) => parentPort?.postMessage({ type: 'rows', rowsDone }),
    });
    parentPort?.postMessage({ type: 'done', state });
  } finally {
    await file.close();
  }
}

sumRange(workerData as GramThreadJob).catch((error: unknown) => parentPort?.postMessage({ type: 'error', error: toSerializedError(error) }));
