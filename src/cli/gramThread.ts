/**
 * A worker thread of `reclens analyze`: sums the float64 Gram of one row range of a C-order tensor
 * read straight from the file (see threadTensorGram.ts), and posts back its GramState.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { decodeElements } from '../data/formats/decode.ts';
import { readAheadSource } from '../engine/readAheadSource.ts';
import type { RowRangeJob } from '../engine/rowRangeGram.ts';
import { ImportError } from '../data/importError.ts';
import { toSerializedError } from '../workers/analysisErrors.ts';

/** Bytes per read: the next block is read while this one is summed. */
const BLOCK_BYTES = 8 << 20;

export interface GramThreadJob {
  path: string;
  job: RowRangeJob;
}

async function sumRange({ path, job }: GramThreadJob): Promise<void> {
  const { layout, from, to, mode } = job;
  const { dim, dtype, dataOffset } = layout;
  const rowBytes = dim * dtype.itemSize;
  const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  const file = await nodeByteSource(path);
  try {
    const src = readAheadSource(file);
    const acc = new GramAccumulator(dim, mode);
    for (let row = from; row < to;) {
      const n = Math.min(blockRows, to - row);
      const bytes = await src.read(dataOffset + row * rowBytes, n * rowBytes);
      if (bytes.length < n * rowBytes) {
        throw new ImportError(
          'truncated',
          `${file.name} is truncated: it ends inside row ${row + Math.floor(bytes.length / rowBytes) + 1}`,
          'Re-export the file; it was cut off',
        );
      }
      acc.add(decodeElements(bytes, dtype, n * dim), n);
      row += n;
      parentPort?.postMessage({ type: 'rows', rowsDone: row - from });
    }
    parentPort?.postMessage({ type: 'done', state: acc.state() });
  } finally {
    await file.close();
  }
}

sumRange(workerData as GramThreadJob).catch((error: unknown) => parentPort?.postMessage({ type: 'error', error: toSerializedError(error) }));
