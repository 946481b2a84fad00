import { describe, expect, it } from 'vitest';
import type { SequenceSamples } from '../contracts/sequence.ts';
import { sampleSearchQuality, searchQuality, topIndices } from './searchQuality.ts';

describe('topIndices', () => {
  it('orders largest first, ties to the more recent (later) element', () => {
    expect([...topIndices([0.1, 0.5, 0.5, 0.2], 3)]).toEqual([2, 1, 3]);
    expect([...topIndices([1, 2], 5)]).toEqual([1, 0]);
  });
});

describe('sampleSearchQuality', () => {
  it('counts overlap and the captured share of the best MI by hand', () => {
    const truth = [0.5, 0.0, 0.3, 0.1, 0.05];
    // Ground-truth top-2: elements 0 (0.5) and 2 (0.3) = 0.8. Model top-2: elements 3 and 2 = 0.4.
    const scores = [0.0, 0.2, 0.8, 0.9, 0.1];
    const q = sampleSearchQuality(truth, scores, 2);
    expect(q.overlap).toBe(0.5);
    expect(q.captured).toBeCloseTo(0.4 / 0.8, 15);
  });

  it('is perfect when the model ranks like the ground truth, and caps k at the history', () => {
    const q = sampleSearchQuality([0.3, 0.1, 0.2], [3, 1, 2], 20);
    expect(q).toEqual({ overlap: 1, captured: 1 });
  });

  it('gives NaN captured when no behaviour carries information, and rejects bad input', () => {
    expect(sampleSearchQuality([0, 0], [1, 2], 1).captured).toBeNaN();
    expect(() => sampleSearchQuality([0, 1], [1], 1)).toThrow(/2 ground-truth values for 1 scores/);
    expect(() => sampleSearchQuality([0], [1], 0)).toThrow(/k must be/);
    expect(() => sampleSearchQuality([0], [NaN], 1)).toThrow(/element 0/);
  });
});

describe('searchQuality over samples', () => {
  // Two samples: histories [cat 1, cat 2, cat 3] (target cat 1) and [cat 2, cat 2] (target cat 2).
  const samples: SequenceSamples = {
    count: 2,
    labels: Uint8Array.from([1, 0]),
    users: Int32Array.from([1, 2]),
    targetItems: Int32Array.from([1, 2]),
    targetCategories: Int32Array.from([1, 2]),
    histOffsets: Int32Array.from([0, 3, 5]),
    histItems: Int32Array.from([1, 2, 3, 4, 5]),
    histCategories: Int32Array.from([1, 2, 3, 2, 2]),
  };
  // MI: same category as the target is informative, more so at a small position.
  const truthMi = (target: number, behaviour: number, position: number) => (target === behaviour ? 1 / position : 0.01 * behaviour);

  it('maps window elements to target-relative positions and averages samples', () => {
    const calls: number[][] = [];
    const spy = (t: number, b: number, p: number) => {
      calls.push([t, b, p]);
      return truthMi(t, b, p);
    };
    // Sample 0 scores only its 2 most recent behaviours (cats 2, 3 at positions 2, 1).
    const scores = [Float32Array.from([0.9, 0.1]), Float32Array.from([0.1, 0.9])];
    const q = searchQuality(samples, spy, (i) => scores[i], 1);
    expect(calls).toEqual([
      [1, 2, 2],
      [1, 3, 1],
      [2, 2, 2],
      [2, 2, 1],
    ]);
    // Sample 0: truth [0.02, 0.03], best = element 1, model picks element 0: overlap 0, captured 0.02/0.03.
    // Sample 1: truth [0.5, 1], best = element 1, model picks element 1: overlap 1, captured 1.
    expect(q.samples).toBe(2);
    expect(q.overlap).toBe(0.5);
    expect(q.captured).toBeCloseTo((0.02 / 0.03 + 1) / 2, 14);
    expect(q.capturedSamples).toBe(2);
  });

  it('rejects more scores than behaviours', () => {
    expect(() => searchQuality(samples, truthMi, () => [1, 2, 3], 1)).toThrow(/sample 1 has 2 behaviours but 3 scores/);
  });
});
