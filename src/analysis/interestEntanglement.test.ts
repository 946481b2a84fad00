import { describe, expect, it } from 'vitest';
import type { CtrSplit } from '../data/ctr/ctrDataset.ts';
import { conflictMask, distanceHistogram, frequentPairs, jointHistogram, pairDistances, percentile } from './interestEntanglement.ts';

describe('percentile', () => {
  it('interpolates like numpy', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [40, 60]) = [2.6, 3.4]
    expect(percentile([10, 2, 4, 1, 3], 40)).toBeCloseTo(2.6, 12);
    expect(percentile([10, 2, 4, 1, 3], 60)).toBeCloseTo(3.4, 12);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('frequentPairs', () => {
  it('keeps distinct test pairs whose user and item are above the 60th percentile of training counts', () => {
    // Fields: user, item. Training counts: user 1 x4, 2 x1, 3 x2; item 1 x4, 2 x2, 3 x1.
    const train: CtrSplit = { rows: 7, indices: Int32Array.from([1, 1, 1, 1, 1, 2, 1, 2, 2, 1, 3, 1, 3, 3]), labels: new Float32Array(7) };
    const test: CtrSplit = { rows: 5, indices: Int32Array.from([1, 1, 1, 1, 3, 1, 1, 2, 0, 1]), labels: new Float32Array(5) };
    // User counts [4, 1, 2]: P60 = 2.4 -> only user 1. Item counts [4, 2, 1]: P60 = 2.4 -> only item 1.
    const pairs = frequentPairs(train, test, 2, 0, 1, { user: 4, item: 4 });
    expect([...pairs.users]).toEqual([1]);
    expect([...pairs.items]).toEqual([1]);
  });
});

describe('conflict pairs and histograms', () => {
  it('measures distances between table rows', () => {
    const table = Float32Array.from([0, 0, 3, 4, 1, 1]);
    expect([...pairDistances(table, 2, [0, 2], [1, 2])]).toEqual([5, 0]);
  });

  it('marks pairs far under A and near under B', () => {
    const dA = [1, 2, 3, 4, 5];
    const dB = [5, 4, 3, 2, 1];
    // P60(dA) = 3.4: pairs 3, 4 far. P40(dB) = 2.6: pairs 3, 4 near.
    expect([...conflictMask(dA, dB)]).toEqual([0, 0, 0, 1, 1]);
    expect([...conflictMask(dA, dA)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('bins distances into conflict and other counts with percentile bands', () => {
    const d = Array.from({ length: 100 }, (_, i) => i);
    const conflict = d.map((x) => (x >= 90 ? 1 : 0));
    const h = distanceHistogram(d, conflict, 10);
    expect(h.edges[0]).toBe(0);
    expect(h.edges[10]).toBe(99);
    expect(Array.from(h.conflict).reduce((a, b) => a + b, 0)).toBe(10);
    expect(Array.from(h.other).reduce((a, b) => a + b, 0)).toBe(90);
    expect(h.conflict[9]).toBe(10);
    expect(h.band.slice(0, 4)).toEqual(['bottom', 'bottom', 'bottom', 'bottom']);
    expect(h.band[5]).toBe('middle');
    expect(h.band[9]).toBe('top');
  });

  it('counts a joint histogram over masked pairs', () => {
    const j = jointHistogram([0, 1, 1, 5], [0, 0, 1, 9], 2, [1, 1, 1, 0]);
    expect(j.xEdges[2]).toBe(1);
    expect([...j.counts]).toEqual([1, 1, 0, 1]);
  });
});
