import { describe, expect, it } from 'vitest';
import { createRng } from '../../data/ctr/prng.ts';
import { wasmAttentionKernel } from './attentionKernelWasm.ts';

/** A laid-out batch: rows x n kept columns over random tables (a, d wide), some columns padding. */
function laidOut(seed: number, rows: number, n: number, a: number, d: number) {
  const rng = createRng(seed);
  const int = (k: number) => Math.floor(rng.next() * k);
  const table = (k: number, w: number) => Float32Array.from({ length: k * w }, () => 2 * (rng.next() - 0.5));
  const [items, categories, positions] = [30, 5, 11];
  const tables = [table(items, a), table(categories, a), table(positions, a), table(items, d), table(categories, d)];
  const k = wasmAttentionKernel()!;
  const m = k.layout({}, rows, n, a, d, tables);
  for (let r = 0; r < rows; r++) {
    m.targetItems[r] = 1 + int(items - 1);
    m.targetCategories[r] = 1 + int(categories - 1);
  }
  for (let i = 0; i < rows * n; i++) {
    const pad = int(4) === 0;
    m.columnItems[i] = pad ? 0 : 1 + int(items - 1);
    m.columnCategories[i] = pad ? 0 : 1 + int(categories - 1);
    m.columnPositions[i] = 1 + int(positions - 1);
    m.weight[i] = pad ? 0 : rng.next();
  }
  for (let p = 0; p < positions; p++) m.byPosition[p] = rng.next() - 0.5;
  for (let i = 0; i < rows * 6 * d; i++) m.dFeatures[i] = rng.next() - 0.5;
  return { k, m, tables };
}

describe('attentionKernelWasm', () => {
  it('is available under Node', () => {
    expect(wasmAttentionKernel()).not.toBeNull();
  });

  it.each([4, 8, 16])("a = d = %i: logits, pooled, features and the head's gradient are the JS loops' values, bit for bit", (w) => {
    const { k, m, tables } = laidOut(w, 13, 7, w, w);
    const [itemA, catA, , itemR, catR] = tables;
    const scale = 1 / Math.sqrt(2 * w);
    k.logits(scale);
    k.pool();
    k.headGrad();
    for (let r = 0; r < m.rows; r++) {
      const [ti, tc] = [m.targetItems[r], m.targetCategories[r]];
      const pooled = new Float64Array(2 * w);
      let max = -Infinity;
      for (let c = 0; c < m.n; c++) {
        const [hi, hc] = [m.columnItems[r * m.n + c], m.columnCategories[r * m.n + c]];
        let dot = 0;
        for (let e = 0; e < w; e++) dot += itemA[ti * w + e] * itemA[hi * w + e] + catA[tc * w + e] * catA[hc * w + e];
        const l = dot * scale + m.byPosition[m.columnPositions[r * m.n + c]] + (hi === 0 ? -1e9 : 0);
        expect(m.logits[r * m.n + c]).toBe(l);
        if (l > max) max = l;
        const wt = m.weight[r * m.n + c];
        if (wt === 0) continue;
        for (let e = 0; e < w; e++) {
          pooled[e] += wt * itemR[hi * w + e];
          pooled[w + e] += wt * catR[hc * w + e];
        }
      }
      expect(m.rowMax[r]).toBe(max);
      expect(Array.from(m.pooled.subarray(r * 2 * w, (r + 1) * 2 * w))).toEqual(Array.from(pooled));
      const target = [...itemR.subarray(ti * w, (ti + 1) * w), ...catR.subarray(tc * w, (tc + 1) * w)];
      const features = [...target, ...pooled, ...target.map((x, e) => x * pooled[e])];
      expect(Array.from(m.features.subarray(r * 6 * w, (r + 1) * 6 * w))).toEqual(Array.from(Float32Array.from(features)));
      const dF = m.dFeatures.subarray(r * 6 * w, (r + 1) * 6 * w);
      expect(Array.from(m.dTarget.subarray(r * 2 * w, (r + 1) * 2 * w))).toEqual(target.map((_, e) => dF[e] + dF[4 * w + e] * pooled[e]));
      expect(Array.from(m.dPooled.subarray(r * 2 * w, (r + 1) * 2 * w))).toEqual(target.map((x, e) => dF[2 * w + e] + dF[4 * w + e] * x));
    }
  });

  it('refuses widths that are not multiples of 4', () => {
    expect(() => laidOut(1, 2, 2, 2, 4)).toThrow(/multiples of 4/);
  });
});
