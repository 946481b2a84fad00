import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { bytesByteSource } from '../data/byteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { npyBytes, npzBytes, safetensorsBytes } from '../../test/support/testFixtures.ts';
import { checkpointBytes, float32Storage, PickleWriter } from '../../test/support/pickleFixtures.ts';
import { rowRangeGram } from '../engine/rowRangeGram.ts';
import { createAnalysisService } from './analysisService.ts';
import type { RangeRunner } from './parallelGram.ts';
import type { AnalysisProgress } from '../contracts/tables.ts';

/** rows x dim float32 table whose column j has scale 1 / (j + 1): a spread, decaying spectrum. */
function npyFile(rows: number, dim: number, name = 'table.npy'): File {
  const values = new Float32Array(rows * dim);
  let s = 5;
  for (let i = 0; i < values.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    values[i] = (s / 2 ** 32 - 0.5) / ((i % dim) + 1);
  }
  return new File([npyBytes(values, [rows, dim]) as Uint8Array<ArrayBuffer>], name);
}

describe('analysis service', () => {
  it('inspects an .npy file', async () => {
    const out = await createAnalysisService().inspect(npyFile(10, 4));
    expect(out).toMatchObject({ ok: true, source: 'table.npy', format: 'npy', tensors: [{ shape: [10, 4], analysable: true }] });
  });

  it('analyses a file, reports progress and which Gram engine ran', async () => {
    const progress: AnalysisProgress[] = [];
    const out = await createAnalysisService().analyze(npyFile(5000, 8), { tensors: ['table'], mode: 'recscope' }, (p) => progress.push(p));
    if (!out.ok) throw new Error(out.error.message);
    expect(out.gramEngine).toBe('float64-js');
    expect(out.elapsedMs).toBeGreaterThan(0);
    const [field] = out.result.fields;
    expect(field.rows).toBe(5000);
    expect(field.normalized_spectrum[0]).toBe(1);
    expect(field.information_abundance).toBeGreaterThan(1);
    expect(progress.at(-1)?.rowsDone).toBe(5000);
  });

  it('sums a large C-order .npy by row ranges over helpers, to the same result as one thread', async () => {
    const file = npyFile(30_000, 12);
    const ranges: number[][] = [];
    const helper: RangeRunner = (blob, job, signal, onRows) => (ranges.push([job.from, job.to]), rowRangeGram(blob, job, signal, onRows));
    const progress: AnalysisProgress[] = [];
    const [one, split] = await Promise.all([
      createAnalysisService().analyze(file, { tensors: ['table'], mode: 'raw' }, () => {}),
      createAnalysisService((bytes) => (bytes === 30_000 * 12 * 4 ? [helper, helper] : [])).analyze(file, { tensors: ['table'], mode: 'raw' }, (p) =>
        progress.push(p),
      ),
    ]);
    if (!one.ok || !split.ok) throw new Error('analysis failed');
    expect(ranges).toEqual([
      [10_000, 20_000],
      [20_000, 30_000],
    ]);
    expect(progress.at(-1)).toMatchObject({ rowsDone: 30_000, rowsTotal: 30_000 });
    const [a, b] = [one.result.fields[0], split.result.fields[0]];
    expect(b.rows).toBe(30_000);
    b.singular_values.forEach((s, i) => expect(Math.abs(s - a.singular_values[i])).toBeLessThan(1e-12 * a.singular_values[0]));
  });

  it('sums .safetensors tensors and stored .npz members by row ranges too, to the streamed result', async () => {
    const rows = 20_000;
    const dim = 6;
    const [user, item] = [7, 8].map((seed) => {
      let s = seed;
      return Float32Array.from({ length: rows * dim }, (_, i) => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) / ((i % dim) + 1));
    });
    const files = {
      'model.safetensors': safetensorsBytes([
        { name: 'user', dtype: 'F32', shape: [rows, dim], values: user },
        { name: 'item', dtype: 'F32', shape: [rows, dim], values: item },
      ]),
      'model.npz': npzBytes({ user: npyBytes(user, [rows, dim]), item: npyBytes(item, [rows, dim]) }),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const ranges: number[][] = [];
      const helper: RangeRunner = (blob, job, signal, onRows) => (ranges.push([job.from, job.to]), rowRangeGram(blob, job, signal, onRows));
      const request = { tensors: ['user', 'item'], mode: 'raw' as const };
      const split = await createAnalysisService(() => [helper]).analyze(new File([bytes as Uint8Array<ArrayBuffer>], name), request, () => {});
      if (!split.ok) throw new Error(split.error.message);
      expect(ranges, name).toEqual([
        [10_000, 20_000],
        [10_000, 20_000],
      ]);
      const streamed = await analyzeTableFile(await openTableFile(bytesByteSource(bytes, name)), request);
      split.result.fields.forEach((f, i) => {
        const want = streamed.fields[i];
        expect(f.name).toBe(want.name);
        f.singular_values.forEach((v, k) => expect(Math.abs(v - want.singular_values[k])).toBeLessThan(1e-12 * want.singular_values[0]));
      });
    }
    // A deflated member is not in the file as rows: it streams, with no helper.
    const ranges: number[][] = [];
    const helper: RangeRunner = (blob, job, signal, onRows) => (ranges.push([job.from, job.to]), rowRangeGram(blob, job, signal, onRows));
    const deflated = npzBytes({ user: npyBytes(user, [rows, dim]) }, { deflate: true });
    const out = await createAnalysisService(() => [helper]).analyze(
      new File([deflated as Uint8Array<ArrayBuffer>], 'z.npz'),
      { tensors: ['user'], mode: 'raw' },
      () => {},
    );
    expect(out.ok).toBe(true);
    expect(ranges).toEqual([]);
  });

  it('cancel() ends the running analysis with the cancelled outcome', async () => {
    const service = createAnalysisService();
    const pending = service.analyze(npyFile(200_000, 16), { tensors: ['table'], mode: 'raw' }, () => {});
    service.cancel();
    expect(await pending).toEqual({ ok: false, error: { code: 'cancelled', message: 'Analysis cancelled', fix: '' } });
  });

  it('cancel() also stops a header read in progress (a slow checkpoint pickle) with the cancelled outcome', async () => {
    const pad = new Uint8Array(6_000_000).map((_, i) => (i % 2 === 0 ? 0x4e : 0x30)); // (None, POP) pairs
    const pickle = new PickleWriter()
      .raw(0x7d)
      .str('w')
      .tensor({ key: '0', numel: 2, shape: [1, 2] })
      .raw(0x73)
      .bytes();
    const joined = new Uint8Array(pad.length + pickle.length);
    joined.set(pad);
    joined.set(pickle, pad.length);
    const file = new File([checkpointBytes(joined, { '0': float32Storage([1, 2]) }) as Uint8Array<ArrayBuffer>], 'slow.pt');
    const service = createAnalysisService();
    const pending = service.inspect(file);
    setTimeout(() => service.cancel(), 0);
    expect(await pending).toEqual({ ok: false, error: { code: 'cancelled', message: 'Analysis cancelled', fix: '' } });
    expect(await service.inspect(file)).toMatchObject({ ok: true, format: 'torch', tensors: [{ name: 'w', shape: [1, 2] }] });
  });

  it('turns an unreadable file into its ImportError', async () => {
    const out = await createAnalysisService().analyze(new File([new Uint8Array([1, 2, 3, 4, 5])], 'x.bin'), { tensors: ['x'], mode: 'raw' }, () => {});
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).not.toBe('internal');
    expect(out.error.fix.length).toBeGreaterThan(0);
  });
});
