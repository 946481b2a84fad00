import { describe, expect, it } from 'vitest';
import { createRng } from './prng.ts';
import { aliasTable, sampleAlias, zipfWeights } from './zipf.ts';

describe('alias sampling', () => {
  it('reproduces the weights it was built from', () => {
    const weights = [5, 1, 0, 3, 1];
    const table = aliasTable(weights);
    const counts = new Array(weights.length).fill(0);
    const rng = createRng(9);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[sampleAlias(table, rng.next())]++;
    weights.forEach((w, i) => expect(counts[i] / n).toBeCloseTo(w / 10, 2));
    expect(counts[2]).toBe(0);
  });

  it('draws Zipf ranks whose log-frequency falls with slope -exponent', () => {
    const exponent = 1.1;
    const table = aliasTable(zipfWeights(1000, exponent));
    const counts = new Float64Array(1000);
    const rng = createRng(5);
    for (let i = 0; i < 300_000; i++) counts[sampleAlias(table, rng.next())]++;
    // Least-squares slope of log count vs log rank over ranks 1..50 (well populated).
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 1; k <= 50; k++) {
      xs.push(Math.log(k));
      ys.push(Math.log(counts[k - 1]));
    }
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(-1.2);
    expect(slope).toBeLessThan(-1.0);
    expect(counts[0] / counts[1]).toBeCloseTo(2 ** exponent, 1);
  });
});
