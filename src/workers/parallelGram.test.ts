import { describe, expect, it } from 'vitest';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { dtypeOf } from '../data/formats/dtype.ts';
import type { RowLayout } from '../data/tableFile.ts';
import { ImportError } from '../data/importError.ts';
import { rowRangeGram } from '../engine/rowRangeGram.ts';
import { helperCount, parallelTensorGram, workerRangeRunner, type RangeRunner } from './parallelGram.ts';

const rows = 3001;
const dim = 7;
const values = Float32Array.from({ length: rows * dim }, (_, i) => Math.cos(i * 0.37) * ((i % dim) + 1));
const blob = new Blob([values]);
const layout: RowLayout = { rows, dim, dtype: dtypeOf('float32'), fortran: false, dataOffset: 0 };

/** A helper that sums its range in this thread, recording the ranges it was given. */
function inProcess(seen: [number, number][]): RangeRunner {
  return (b, job, signal, onRows) => {
    seen.push([job.from, job.to]);
    return rowRangeGram(b, job, signal, onRows);
  };
}

describe('parallelTensorGram', () => {
  it('splits the rows over this thread and the helpers and merges to the one-thread Gram', async () => {
    const seen: [number, number][] = [];
    const progress: number[] = [];
    const got = await parallelTensorGram(blob, layout, 'centered', [inProcess(seen), inProcess(seen)], undefined, (n) => progress.push(n));
    expect(seen).toEqual([
      [1000, 2000],
      [2000, 3001],
    ]);
    expect(progress.at(-1)).toBe(rows);
    const want = new GramAccumulator(dim, 'centered');
    want.add(values, rows);
    expect(got.rows).toBe(rows);
    const [g, w] = [got.gram(), want.gram()];
    w.forEach((v, i) => expect(Math.abs(g[i] - v)).toBeLessThan(1e-12 * Math.abs(w[0])));
  });

  it('a failing helper fails the Gram and aborts the other ranges', async () => {
    let abortedOther = false;
    const failing: RangeRunner = () => Promise.reject(new ImportError('truncated', 'cut', 'fix'));
    const waiting: RangeRunner = (_b, _job, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => ((abortedOther = true), reject(new DOMException('x', 'AbortError')))));
    await expect(parallelTensorGram(blob, layout, 'raw', [waiting, failing], undefined, () => {})).rejects.toMatchObject({ code: 'truncated' });
    expect(abortedOther).toBe(true);
  });

  it('the caller cancelling aborts every range', async () => {
    const controller = new AbortController();
    const waiting: RangeRunner = (_b, _job, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('x', 'AbortError'))));
    const pending = parallelTensorGram(blob, layout, 'raw', [waiting], controller.signal, () => {});
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('helperCount', () => {
  it('one helper per further core, at most 3, none for small tensors', () => {
    const mb = 1 << 20;
    expect(helperCount(256 * mb, 2)).toBe(1);
    expect(helperCount(256 * mb, 16)).toBe(3);
    expect(helperCount(256 * mb, 1)).toBe(0);
    expect(helperCount(40 * mb, 8)).toBe(0);
    expect(helperCount(70 * mb, 8)).toBe(1);
  });
});

/** A stand-in Worker: answers each request with a 'done' after one 'rows', on the next tick, unless `hang`. */
class FakeWorker {
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor(private readonly hang: () => boolean) {}
  postMessage(msg: { job: { from: number; to: number; mode: 'raw' } }): void {
    if (this.hang()) return;
    setTimeout(() => {
      this.onmessage?.({ data: { type: 'rows', rowsDone: msg.job.to - msg.job.from } } as MessageEvent);
      this.onmessage?.({ data: { type: 'done', state: new GramAccumulator(1, msg.job.mode).state() } } as MessageEvent);
    });
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('workerRangeRunner', () => {
  it('starts the warm helpers at once, reuses an idle one, and replaces one whose range was aborted', async () => {
    let hang = false;
    const spawned: FakeWorker[] = [];
    const spawn = () => {
      const w = new FakeWorker(() => hang);
      spawned.push(w);
      return w as unknown as Worker;
    };
    const run = workerRangeRunner(spawn, 1);
    expect(spawned).toHaveLength(1);
    const job = { layout, from: 0, to: 10, mode: 'raw' as const };
    const rows: number[] = [];
    await run(blob, job, new AbortController().signal, (n) => rows.push(n));
    await run(blob, job, new AbortController().signal, () => {});
    expect(spawned).toHaveLength(1);
    expect(rows).toEqual([10]);
    hang = true;
    const stop = new AbortController();
    const aborted = run(blob, job, stop.signal, () => {});
    stop.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(spawned[0].terminated).toBe(true);
    hang = false;
    await run(blob, job, new AbortController().signal, () => {});
    expect(spawned).toHaveLength(2);
  });
});
