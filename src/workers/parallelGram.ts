/**
 * The exact float64 Gram of a C-order tensor with its rows split into contiguous ranges: this
 * thread sums the first, helper workers the others, each reading its own byte range of the File,
 * and the partial sums are merged in row order. Float64 sums in another order differ from the
 * one-thread Gram by rounding only (~1e-16 relative).
 */
import { throwIfAborted } from '../data/abort.ts';
import { GramAccumulator, mergeGram, type GramState } from '../analysis/gramAccumulator.ts';
import type { SpectrumMode } from '../contracts/tables.ts';
import type { RowLayout } from '../data/tableFile.ts';
import { rowRangeGram, splitRows, type RowRangeJob } from '../engine/rowRangeGram.ts';
import { fromSerializedError } from './analysisErrors.ts';
import type { GramRangeReply, GramRangeRequest } from './gramRangeProtocol.ts';

/** Sums one row range; rejects with AbortError once `signal` fires. */
export type RangeRunner = (blob: Blob, job: RowRangeJob, signal: AbortSignal, onRows: (rowsDone: number) => void) => Promise<GramState>;

/**
 * Ranges summed by helper workers from `spawn`, kept between analyses: `warm` of them are started
 * at once (a worker's start, module load and compile took 100-300 ms of the first analysis), an
 * idle one takes the next range, and one whose range was aborted is terminated (it may still be
 * summing) and replaced on demand.
 */
export function workerRangeRunner(spawn: () => Worker, warm = 0): RangeRunner {
  const idle: Worker[] = Array.from({ length: warm }, spawn);
  return (blob, job, signal, onRows) =>
    new Promise((resolve, reject) => {
      const worker = idle.pop() ?? spawn();
      const end = (keep: boolean) => {
        worker.onmessage = null;
        worker.onerror = null;
        signal.removeEventListener('abort', aborted);
        if (keep) idle.push(worker);
        else worker.terminate();
      };
      const aborted = () => {
        end(false);
        reject(new DOMException('Cancelled', 'AbortError'));
      };
      signal.addEventListener('abort', aborted);
      worker.onmessage = (ev: MessageEvent<GramRangeReply>) => {
        const reply = ev.data;
        if (reply.type === 'rows') return onRows(reply.rowsDone);
        end(true);
        if (reply.type === 'done') resolve(reply.state);
        else reject(fromSerializedError(reply.error));
      };
      worker.onerror = (ev) => {
        end(false);
        reject(new Error(`gram helper worker failed: ${ev.message || 'it did not start'}`));
      };
      worker.postMessage({ blob, job } satisfies GramRangeRequest);
    });
}

/** Gram of all rows of `layout`: range 0 here, one range per helper; a failure stops them all. */
export async function parallelTensorGram(
  blob: Blob,
  layout: RowLayout,
  mode: SpectrumMode,
  helpers: readonly RangeRunner[],
  signal: AbortSignal | undefined,
  onRows: (rowsDone: number) => void,
): Promise<GramAccumulator> {
  const ranges = splitRows(layout.rows, helpers.length + 1);
  const runners: RangeRunner[] = [(b, job, s, rows) => rowRangeGram(b, job, s, rows), ...helpers];
  throwIfAborted(signal);
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal?.addEventListener('abort', forward);
  const done = ranges.map(() => 0);
  try {
    const states = await Promise.all(
      ranges.map(([from, to], i) =>
        runners[i](blob, { layout, from, to, mode }, stop.signal, (rows) => {
          done[i] = rows;
          onRows(done.reduce((a, b) => a + b, 0));
        }),
      ),
    );
    return states.reduce<GramAccumulator>((acc, state) => mergeGram(acc, state), new GramAccumulator(layout.dim, mode));
  } catch (err) {
    stop.abort();
    throw err;
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}

/** Helper workers worth starting: one per further core (at most 3), and only for >= 32 MB per thread. */
export function helperCount(tensorBytes: number, cores: number): number {
  const byData = Math.floor(tensorBytes / (32 << 20)) - 1;
  return Math.max(0, Math.min(3, cores - 1, byData));
}
