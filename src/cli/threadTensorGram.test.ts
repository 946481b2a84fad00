import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { ImportError } from '../data/importError.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { gramThreadCount, threadGramHook, threadTensorGram } from './threadTensorGram.ts';

const rows = 5003;
const dim = 9;
// Pseudo-random, full rank, columns of different scales.
const values = Float32Array.from({ length: rows * dim }, (_, i) => (((i * 2654435761) % 1000) / 1000 - 0.4) * ((i % dim) + 1));
const dir = mkdtempSync(join(tmpdir(), 'reclens-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function npy(name: string, data: Float32Array, shapeRows: number): string {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shapeRows}, ${dim}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  return path;
}

async function layoutOf(path: string) {
  const src = await nodeByteSource(path);
  const file = await openTableFile(src);
  return { file, src, layout: file.rowLayout!(file.tensors[0].name)! };
}

describe('threadTensorGram', () => {
  it('three worker threads give the one-thread Gram to rounding (1e-12 of the largest entry), with progress to the last row', async () => {
    const path = npy('table.npy', values, rows);
    const { src, layout } = await layoutOf(path);
    await src.close();
    const progress: number[] = [];
    const got = await threadTensorGram(path, layout, 'centered', 3, (n) => progress.push(n));
    const want = new GramAccumulator(dim, 'centered');
    want.add(values, rows);
    expect(got.rows).toBe(rows);
    expect(progress.at(-1)).toBe(rows);
    const [g, w] = [got.gram(), want.gram()];
    w.forEach((v, i) => expect(Math.abs(g[i] - v)).toBeLessThanOrEqual(1e-12 * Math.abs(w[0])));
  });

  it('a truncated file fails with the ImportError a thread met', async () => {
    // The header of the whole table over only 4000 of its rows: the second thread's range runs off the end.
    const whole = await layoutOf(npy('whole.npy', values, rows));
    await whole.src.close();
    const path = npy('short.npy', values.subarray(0, 4000 * dim), rows);
    const { layout } = whole;
    await expect(threadTensorGram(path, layout, 'raw', 2, () => {})).rejects.toSatisfy((e) => e instanceof ImportError && /truncated/.test(e.message));
  });

  it('the analyze hook threads a big enough tensor and gives the same report as streaming it', async () => {
    const path = npy('report.npy', values, rows);
    const { file, src } = await layoutOf(path);
    try {
      const request = { tensors: [file.tensors[0].name], mode: 'raw' as const };
      const streamed = await analyzeTableFile(file, request);
      // cores = 2 and a 180 kB tensor: the hook declines (under 32 MB per thread), so force two threads through the count.
      expect(gramThreadCount(rows * dim * 4, 2)).toBe(1);
      expect(threadGramHook(file, path, 2)(file.tensors[0], 'raw', () => {})).toBeNull();
      expect(gramThreadCount(256 << 20, 2)).toBe(2);
      expect(gramThreadCount(256 << 20, 16)).toBe(4);
      const threaded = await analyzeTableFile(file, request, {
        tensorGram: (t, mode, onRows) => threadTensorGram(path, file.rowLayout!(t.name)!, mode, 2, onRows),
      });
      const [a, b] = [threaded.fields[0].normalized_spectrum, streamed.fields[0].normalized_spectrum];
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-12));
    } finally {
      await src.close();
    }
  });
});
