import { describe, expect, it } from 'vitest';
import { auc, groupAuc, logloss } from './auc.ts';
import { createRng } from './prng.ts';

/** O(n^2) definition: share of (positive, negative) pairs ranked right, ties counting half. */
function bruteAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('auc', () => {
  it('matches hand-computed cases', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(auc([1, 2, 2, 3], [0, 0, 1, 1])).toBeCloseTo(0.875, 12); // one tie counts half
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBeCloseTo(0.5, 12);
    expect(auc([3, 2, 1], [0, 1, 1])).toBe(0);
    expect(auc(new Float32Array([0.2, 0.9]), new Float32Array([0, 1]))).toBe(1);
  });

  it('is NaN with one class or a NaN score', () => {
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(auc([0.1, NaN], [0, 1])).toBeNaN();
    expect(() => auc([0.1], [0, 1])).toThrow(RangeError);
  });

  it('agrees with the pairwise definition on random scores with ties', () => {
    const rng = createRng(4);
    const scores = Array.from({ length: 300 }, () => Math.round(rng.next() * 20) / 20);
    const labels = scores.map((s) => (rng.next() < 0.3 + 0.4 * s ? 1 : 0));
    expect(auc(scores, labels)).toBeCloseTo(bruteAuc(scores, labels), 12);
  });
});

describe('logloss', () => {
  it('is the mean binary cross-entropy, clipped', () => {
    expect(logloss([0.9, 0.2], [1, 0])).toBeCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, 12);
    expect(logloss([0], [1])).toBeCloseTo(-Math.log(1e-7), 6);
    expect(logloss([], [])).toBeNaN();
  });
});

describe('groupAuc', () => {
  it('weights per-group AUCs by impressions and skips one-class groups', () => {
    const scores = [0.1, 0.4, 0.35, 0.8, 0.2, 0.5, 0.9, 0.1];
    const labels = [0, 0, 1, 1, 0, 1, 0, 0];
    const groups = [7, 7, 7, 3, 3, 3, 5, 5];
    // group 7: AUC 0.5 (3 rows); group 3: AUC 1 (3 rows); group 5 has no clicks.
    expect(groupAuc(scores, labels, groups)).toBeCloseTo(0.75, 12);
  });

  it('equals the plain AUC with one group and is NaN when no group has both classes', () => {
    const scores = [0.3, 0.1, 0.7, 0.7, 0.2];
    const labels = [1, 0, 0, 1, 0];
    expect(groupAuc(scores, labels, [1, 1, 1, 1, 1])).toBeCloseTo(auc(scores, labels), 12);
    expect(groupAuc([0.1, 0.2], [1, 0], [1, 2])).toBeNaN();
  });
});
