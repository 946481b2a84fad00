/**
 * `reclens analyze` sums a big C-order tensor (.npy, .safetensors, a stored .npz member) on every
 * core: its rows are cut into one contiguous range per worker thread, each thread reads its own
 * range of the file (reading the next block while summing one) and the partial float64 sums are
 * merged in row order, which differs from one thread's sum by rounding only (~1e-16 relative).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisHooks } from '../analysis/analyzeTable.ts';
import { GramAccumulator, mergeGram, type GramState } from '../analysis/gramAccumulator.ts';
import type { SpectrumMode } from '../contracts/tables.ts';
import type { RowLayout, TableFile } from '../data/tableFile.ts';
import { splitRows } from '../engine/rowRangeGram.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import { fromSerializedError } from '../workers/analysisErrors.ts';
import type { GramThreadJob } from './gramThread.ts';

type ThreadReply = { type: 'rows'; rowsDone: number } | { type: 'done'; state: GramState } | { type: 'error'; error: SerializedImportError };

/** Threads worth starting: one per core (at most 4), and only for >= 32 MB per thread; 1 means sum it here. */
export function gramThreadCount(tensorBytes: number, cores: number): number {
  return Math.max(1, Math.min(4, cores, Math.floor(tensorBytes / (32 << 20))));
}

/** The worker thread: bin/gramThread.mjs registers tsx there and runs gramThread.ts, as bin/reclens.mjs does the CLI. */
function spawn(data: GramThreadJob): Worker {
  return new Worker(new URL('../../bin/gramThread.mjs', import.meta.url), { workerData: data });
}

function sumInThread(worker: Worker, onRows: (rowsDone: number) => void): Promise<GramState> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      f();
    };
    worker.on('message', (reply: ThreadReply) => {
      if (reply.type === 'rows') onRows(reply.rowsDone);
      else if (reply.type === 'done') settle(() => resolve(reply.state));
      else settle(() => reject(fromSerializedError(reply.error)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`gram thread exited with code ${code} before answering`))));
  });
}

/** The Gram of all rows of the tensor at `layout` in the file at `path`, over `threads` worker threads. */
export async function threadTensorGram(
  path: string,
  layout: RowLayout,
  mode: SpectrumMode,
  threads: number,
  onRows: (rowsDone: number) => void,
): Promise<GramAccumulator> {
  if (layout.fortran) throw new RangeError('threadTensorGram reads C-order tensors only');
  const ranges = splitRows(layout.rows, threads);
  const done = ranges.map(() => 0);
  const workers = ranges.map(([from, to]) => spawn({ path, job: { layout, from, to, mode } }));
  let states: GramState[];
  try {
    states = await Promise.all(
      workers.map((worker, i) =>
        sumInThread(worker, (rows) => {
          done[i] = rows;
          onRows(done.reduce((a, b) => a + b, 0));
        }),
      ),
    );
  } catch (err) {
    // One thread failed: the others would read on to the end of their ranges for nothing.
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  return states.reduce<GramAccumulator>((acc, state) => mergeGram(acc, state), new GramAccumulator(layout.dim, mode));
}

/**
 * analyzeTableFile's tensorGram hook for `file`, opened from the one file at `path`: a C-order
 * tensor big enough for two threads is summed on every core; others (and every tensor on a
 * one-core machine) stream on this thread as before.
 */
export function threadGramHook(file: TableFile, path: string, cores = availableParallelism()): NonNullable<AnalysisHooks['tensorGram']> {
  return (tensor, mode, onRows) => {
    const layout = file.rowLayout?.(tensor.name);
    if (!layout || layout.fortran) return null;
    const threads = gramThreadCount(layout.rows * layout.dim * layout.dtype.itemSize, cores);
    return threads > 1 ? threadTensorGram(path, layout, mode, threads, onRows) : null;
  };
}
