import { describe, expect, it } from 'vitest';
import { auc } from './auc.ts';
import type { CtrDataset } from './ctrDataset.ts';
import { generateSyntheticCtr, generateSyntheticCtrAsync, logSpacedCardinalities } from './syntheticCtr.ts';

function mean(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i];
  return sum / a.length;
}

/** Every array of a dataset as one byte buffer (fast to compare, unlike a deep equal). */
function arrayBytes(ds: CtrDataset): Buffer {
  const arrays = [ds.train, ds.valid, ds.test].flatMap((s) => [s.indices, s.labels, s.trueProbabilities!, s.groups!]);
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

describe('generateSyntheticCtr', () => {
  const ds = generateSyntheticCtr({ seed: 3, rows: 100_000 });

  it('is deterministic for a seed and changes with it', () => {
    const config = { rows: 3000, maxCardinality: 2000 };
    const a = generateSyntheticCtr({ seed: 11, ...config });
    const b = generateSyntheticCtr({ seed: 11, ...config });
    const c = generateSyntheticCtr({ seed: 12, ...config });
    expect(arrayBytes(b).equals(arrayBytes(a))).toBe(true);
    expect(b.fields).toEqual(a.fields);
    expect(b.plantedPairs).toEqual(a.plantedPairs);
    expect(arrayBytes(c).equals(arrayBytes(a))).toBe(false);
    expect(c.plantedPairs).not.toEqual(a.plantedPairs);
  });

  it('keeps the ground truth when only the row count changes', () => {
    expect(generateSyntheticCtr({ seed: 3, rows: 500 }).plantedPairs).toEqual(ds.plantedPairs);
  });

  it('has 24 log-spaced fields from 2 to 100k values by default, values in 1..cardinality-1', () => {
    expect(ds.fields).toHaveLength(24);
    expect(ds.fields[0].cardinality).toBe(3);
    expect(ds.fields[23].cardinality).toBe(100_001);
    expect(logSpacedCardinalities(3, 10, 1000)).toEqual([10, 100, 1000]);
    const F = ds.fields.length;
    let lo = Infinity;
    let hiOk = true;
    ds.train.indices.forEach((v, i) => {
      lo = Math.min(lo, v);
      if (v >= ds.fields[i % F].cardinality) hiOk = false;
    });
    expect(lo).toBe(1);
    expect(hiOk).toBe(true);
    expect([ds.train.rows, ds.valid.rows, ds.test.rows]).toEqual([80_000, 10_000, 10_000]);
  });

  it('draws values with Zipf-like frequencies', () => {
    const F = ds.fields.length;
    const f = ds.fields.findIndex((x) => x.cardinality > 1000);
    const counts = new Map<number, number>();
    for (let r = 0; r < ds.train.rows; r++) {
      const v = ds.train.indices[r * F + f];
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const c = (v: number): number => counts.get(v) ?? 0;
    expect(c(1) / c(2)).toBeCloseTo(2 ** 1.1, 0);
    expect(c(1) / c(10)).toBeGreaterThan(10 ** 1.1 * 0.8);
    expect(c(1) / c(10)).toBeLessThan(10 ** 1.1 * 1.25);
  });

  it('clicks at the base rate, as often as the true probabilities say', () => {
    const { labels, trueProbabilities } = ds.train;
    expect(mean(trueProbabilities!)).toBeCloseTo(0.25, 2);
    expect(Math.abs(mean(labels) - 0.25)).toBeLessThan(0.006);
    // Calibration: among rows with a high true probability, the click rate matches their mean probability.
    const high: number[] = [];
    const highLabels: number[] = [];
    trueProbabilities!.forEach((p, i) => {
      if (p > 0.5) {
        high.push(p);
        highLabels.push(labels[i]);
      }
    });
    expect(high.length).toBeGreaterThan(1000);
    expect(Math.abs(mean(highLabels) - mean(high))).toBeLessThan(0.03);
  });

  it('has a plausible Bayes AUC on the test split', () => {
    const bayes = auc(ds.test.trueProbabilities!, ds.test.labels);
    expect(bayes).toBeGreaterThan(0.65);
    expect(bayes).toBeLessThan(0.85);
  });

  it('draws its signal from the planted effects only', () => {
    const flat = generateSyntheticCtr({ seed: 3, rows: 20_000, fields: 6, firstOrderStd: 0, interactionStd: 0 });
    expect(Math.max(...flat.test.trueProbabilities!) - Math.min(...flat.test.trueProbabilities!)).toBeLessThan(1e-6);
    expect(
      auc(
        flat.test.trueProbabilities!.map((p, i) => p + i * 1e-12),
        flat.test.labels,
      ),
    ).toBeCloseTo(0.5, 1);
    const interactionsOnly = generateSyntheticCtr({ seed: 3, rows: 20_000, fields: 6, firstOrderStd: 0, noise: 0 });
    expect(auc(interactionsOnly.test.trueProbabilities!, interactionsOnly.test.labels)).toBeGreaterThan(0.7);
  });

  it('pairs the lowest-cardinality fields with the highest and groups rows by the largest field', () => {
    expect(ds.plantedPairs).toContainEqual([0, 23]);
    expect(ds.plantedPairs).toContainEqual([1, 22]);
    const groups = ds.train.groups!;
    expect(groups.every((g, r) => g === ds.train.indices[r * 24 + 23])).toBe(true);
    const explicit = generateSyntheticCtr({ seed: 1, rows: 100, cardinalities: [5, 6, 7], interactionPairs: [[2, 0]], groupField: null });
    expect(explicit.plantedPairs).toEqual([[0, 2]]);
    expect(explicit.train.groups).toBeUndefined();
  });

  it('rejects impossible configurations', () => {
    expect(() => generateSyntheticCtr({ seed: 1, rows: 0 })).toThrow(RangeError);
    expect(() => generateSyntheticCtr({ seed: 1, rows: 10, cardinalities: [3, 4], interactionPairs: [[0, 2]] })).toThrow(/pair/);
    expect(() => generateSyntheticCtr({ seed: 1, rows: 10, baseRate: 1 })).toThrow(/baseRate/);
  });

  it('generates 200k rows x 24 fields', () => {
    const big = generateSyntheticCtr({ seed: 5, rows: 200_000 });
    expect(big.train.rows).toBe(160_000);
  });

  it('the async generator gives the same dataset and progress, and stops at the step after its signal fires', async () => {
    const config = { seed: 4, rows: 2000, fields: 6, maxCardinality: 300 };
    const syncSteps: number[] = [];
    const asyncSteps: number[] = [];
    const a = generateSyntheticCtr(config, (done) => syncSteps.push(done));
    const b = await generateSyntheticCtrAsync(config, { onProgress: (done) => asyncSteps.push(done) });
    expect(arrayBytes(b).equals(arrayBytes(a))).toBe(true);
    expect(asyncSteps).toEqual(syncSteps);
    const abort = new AbortController();
    const seen: number[] = [];
    const cancelled = generateSyntheticCtrAsync(config, { signal: abort.signal, onProgress: (done) => (seen.push(done), done === 2 && abort.abort()) });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([1, 2]);
  });
});
