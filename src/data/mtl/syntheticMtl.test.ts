import { describe, expect, it } from 'vitest';
import { DEFAULT_MTL_TASKS, generateSyntheticMtl, MTL_FIELD_NAMES, MTL_USER_FIELD, syntheticMtlLossWeights } from './syntheticMtl.ts';

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Correlation over training rows of the two tasks' true logits. */
function taskLogitCorrelation(rho: number): number {
  const ds = generateSyntheticMtl({ seed: 3, rows: 20_000, taskCorrelation: rho, firstOrderStd: 0.01 });
  const p = ds.train.trueProbabilities!;
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ds.train.rows; r++) {
    a.push(logit(p[2 * r]));
    b.push(logit(p[2 * r + 1]));
  }
  return correlation(a, b);
}

describe('generateSyntheticMtl', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = generateSyntheticMtl({ seed: 5, rows: 3000 });
    const b = generateSyntheticMtl({ seed: 5, rows: 3000 });
    const c = generateSyntheticMtl({ seed: 6, rows: 3000 });
    expect(a.train.indices).toEqual(b.train.indices);
    expect(a.test.labels).toEqual(b.test.labels);
    expect(a.valid.trueProbabilities).toEqual(b.valid.trueProbabilities);
    expect(a.train.labels).not.toEqual(c.train.labels);
  });

  it('lays out fields, tasks, groups and rows x tasks arrays', () => {
    const ds = generateSyntheticMtl({ seed: 1, rows: 5000, users: 300, items: 400 });
    expect(ds.fields.map((f) => f.name)).toEqual([...MTL_FIELD_NAMES]);
    expect(ds.fields[0].cardinality).toBe(301);
    expect(ds.tasks).toEqual(['click', 'like']);
    expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(5000);
    const F = ds.fields.length;
    for (const split of [ds.train, ds.valid, ds.test]) {
      expect(split.labels.length).toBe(split.rows * 2);
      expect(split.trueProbabilities!.length).toBe(split.rows * 2);
      for (let r = 0; r < split.rows; r++) {
        expect(split.groups![r]).toBe(split.indices[r * F + MTL_USER_FIELD] - 1);
        for (let f = 0; f < F; f++) {
          const v = split.indices[r * F + f];
          if (!(v >= 1 && v < ds.fields[f].cardinality)) throw new Error(`index ${v} of field ${f} out of range`);
        }
      }
    }
  });

  it('hits each task label rate (click 30 %, like 3 %)', () => {
    const ds = generateSyntheticMtl({ seed: 2, rows: 40_000 });
    const T = 2;
    const rates = [0, 0];
    for (let r = 0; r < ds.train.rows; r++) for (let t = 0; t < T; t++) rates[t] += ds.train.labels[r * T + t];
    expect(rates[0] / ds.train.rows).toBeCloseTo(DEFAULT_MTL_TASKS[0].positiveRate, 1);
    expect(Math.abs(rates[1] / ds.train.rows - 0.03)).toBeLessThan(0.006);
  });

  it('follows the task correlation rho in the true logits', () => {
    const negative = taskLogitCorrelation(-0.8);
    const zero = taskLogitCorrelation(0);
    const positive = taskLogitCorrelation(0.8);
    expect(negative).toBeLessThan(-0.6);
    expect(Math.abs(zero)).toBeLessThan(0.1);
    expect(positive).toBeGreaterThan(0.6);
  });

  it('reports loss weights and rejects bad configs', () => {
    expect(
      syntheticMtlLossWeights({
        tasks: [
          { name: 'a', positiveRate: 0.2, lossWeight: 2 },
          { name: 'b', positiveRate: 0.1 },
        ],
      }),
    ).toEqual([2, 1]);
    expect(() => generateSyntheticMtl({ seed: 1, rows: 10, taskCorrelation: 1.5 })).toThrow(/\[-1, 1\]/);
    expect(() => generateSyntheticMtl({ seed: 1, rows: 10, tasks: [{ name: 'a', positiveRate: 0.5 }] })).toThrow(/two tasks/);
  });
});
