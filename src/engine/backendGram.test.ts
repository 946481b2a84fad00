import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import type { SpectrumMode } from '../contracts/tables.ts';
import { BackendGramAccumulator, calibrateGram, transformRows } from './backendGram.ts';

function rows(n: number, k: number, seed: number): Float32Array {
  const out = new Float32Array(n * k);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * (1 + (i % k));
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('transformRows', () => {
  it('drops NaN/Inf rows and L2-normalises for recscope', () => {
    const block = new Float32Array([3, 4, NaN, 1, 0, Infinity, 6, 8]);
    const t = transformRows(block, 4, 2, 'recscope');
    expect(t.kept).toBe(2);
    expect(t.excluded).toBe(2);
    expect(Array.from(t.data)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6), expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(transformRows(block, 1, 2, 'raw').data)).toEqual([3, 4]);
  });
});

describe('BackendGramAccumulator', () => {
  for (const mode of ['raw', 'recscope', 'centered'] as SpectrumMode[]) {
    it(`matches the float64 JS Gram to float32 accuracy (${mode})`, async () => {
      const k = 8;
      const data = rows(3000, k, 11);
      data[5 * k + 2] = NaN;
      const exact = new GramAccumulator(k, mode);
      const backend = new BackendGramAccumulator(k, mode);
      for (let r = 0; r < 3000; r += 1024) {
        const n = Math.min(1024, 3000 - r);
        exact.add(data.subarray(r * k, (r + n) * k), n);
        await backend.add(data.subarray(r * k, (r + n) * k), n);
      }
      const acc = backend.toAccumulator();
      expect(acc.rows).toBe(exact.rows);
      expect(acc.excludedRows).toBe(1);
      const a = acc.gram();
      const b = exact.gram();
      const scale = Math.max(...b.map(Math.abs));
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5 * scale);
    });
  }
});

describe('calibrateGram', () => {
  it('times both engines and measures the float32 spectrum error on a condition-1e4 table', async () => {
    const c = await calibrateGram(4096, 16);
    expect(c.backendMs).toBeGreaterThan(0);
    expect(c.jsMs).toBeGreaterThan(0);
    expect(c.spectrumError).toBeGreaterThan(0); // float32 is not float64
    expect(c.spectrumError).toBeLessThan(1e-2);
  });
});
