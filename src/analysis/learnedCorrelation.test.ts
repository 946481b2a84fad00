import { describe, expect, it } from 'vitest';
import {
  attentionCorrelation,
  attentionLogits,
  averageRanks,
  correlationMethod,
  learnedCorrelationMaps,
  minMax,
  softmax,
  spearman,
  tinCorrelation,
  zScore,
  type CorrelationEmbeddings,
} from './learnedCorrelation.ts';

// Categories: row 0 [0, 0] (padding), row 1 [1, 0], row 2 [0, 2]. Positions: p0 [1, 1], p1 [1, 0], p2 [0, -1].
const emb: CorrelationEmbeddings = {
  categories: { rows: 3, dim: 2, values: Float32Array.from([0, 0, 1, 0, 0, 2]) },
  positions: { rows: 3, dim: 2, values: Float32Array.from([1, 1, 1, 0, 0, -1]) },
};
const r2 = Math.SQRT2;

describe('attention-only learned correlation', () => {
  it('computes a_ip = c_t.c_i/sqrt(d) + p_0.p_p/sqrt(d) by hand', () => {
    // target 1: c1.c1 = 1, c1.c2 = 0; p0.p1 = 1, p0.p2 = -1; d = 2.
    const a = attentionLogits(emb, 1, [1, 2], 2);
    expect([...a]).toEqual([2 / r2, 0, 1 / r2, -1 / r2].map((v) => expect.closeTo(v, 14)));
  });

  it('takes the softmax over the whole matrix, then min-max', () => {
    // min-max of a softmax: (e^x - e^min) / (e^max - e^min); the sum cancels.
    const x = [2 / r2, 0, 1 / r2, -1 / r2];
    const lo = Math.exp(-1 / r2);
    const hi = Math.exp(2 / r2);
    const expected = x.map((v) => (Math.exp(v) - lo) / (hi - lo));
    const m = attentionCorrelation(emb, 1, [1, 2], 2);
    for (let i = 0; i < 4; i++) expect(m[i]).toBeCloseTo(expected[i], 14);
    expect(m[0]).toBe(1);
    expect(m[3]).toBe(0);
  });

  it('reads separate target tables and scales each score by its own dim', () => {
    // Target category table of dim 2 with row 1 = [0, 3]; position tables of dim 1.
    const split: CorrelationEmbeddings = {
      categories: emb.categories,
      positions: { rows: 3, dim: 1, values: [5, 2, -1] },
      targetCategories: { rows: 2, dim: 2, values: [0, 0, 0, 3] },
      targetPositions: { rows: 1, dim: 1, values: [4] },
    };
    // c_t = [0, 3]: . c1 = 0, . c2 = 6 (/sqrt 2); p_0 = 4: . p1 = 8, . p2 = -4 (/sqrt 1).
    const a = attentionLogits(split, 1, [1, 2], 2);
    expect([...a]).toEqual([8, -4, 6 / r2 + 8, 6 / r2 - 4].map((v) => expect.closeTo(v, 12)));
  });

  it('rejects rows and positions the tables do not have', () => {
    expect(() => attentionLogits(emb, 3, [1], 1)).toThrow(/target category: row 3/);
    expect(() => attentionLogits(emb, 1, [7], 1)).toThrow(/behaviour category: row 7/);
    expect(() => attentionLogits(emb, 1, [1], 3)).toThrow(/4 position rows; the table has 3/);
    expect(() => attentionLogits({ ...emb, categories: { rows: 3, dim: 2, values: [1, 2] } }, 1, [1], 1)).toThrow(/2 values for 3 x 2/);
    expect(() => attentionLogits({ ...emb, targetCategories: { rows: 3, dim: 3, values: new Float32Array(9) } }, 1, [1], 1)).toThrow(/dim 3/);
  });
});

describe('TIN learned correlation', () => {
  it('matches a hand computation of temporal encoding x representation norm', () => {
    // query c1 + p0 = [2, 1]. Keys c_i + p_p: (1,1) [2, 0], (1,2) [1, -1], (2,1) [1, 2], (2,2) [0, 1].
    // products [4, 0], [2, -1], [2, 2], [0, 1] -> z = 4, 1, 4, 1; norms 4, sqrt 5, sqrt 8, 1.
    // z-score (mean 2.5, std 1.5) -> 1, -1, 1, -1; softmax -> a, b, a, b.
    const S = 2 * Math.E + 2 / Math.E;
    const a = Math.E / S;
    const b = 1 / Math.E / S;
    const w = [4 * a, Math.sqrt(5) * b, Math.sqrt(8) * a, b];
    const expected = w.map((v) => (v - b) / (4 * a - b));
    const m = tinCorrelation(emb, 1, [1, 2], 2);
    for (let i = 0; i < 4; i++) expect(m[i]).toBeCloseTo(expected[i], 14);
  });

  it('needs equal category and position dims', () => {
    expect(() => tinCorrelation({ ...emb, positions: { rows: 3, dim: 1, values: [1, 2, 3] } }, 1, [1], 1)).toThrow(/dims 2 and 1/);
  });
});

describe('maps per target', () => {
  it('gives one N x P matrix per top category, in order, with the model family formula', () => {
    const maps = learnedCorrelationMaps('attention', emb, [2, 1], 2);
    expect(maps).toHaveLength(2);
    expect(maps[1]).toEqual(attentionCorrelation(emb, 1, [2, 1], 2));
    expect(maps[0]).toEqual(attentionCorrelation(emb, 2, [2, 1], 2));
    expect(learnedCorrelationMaps('tin', emb, [1, 2], 2)[0]).toEqual(tinCorrelation(emb, 1, [1, 2], 2));
    expect(correlationMethod('tin')).toBe('tin');
    expect(correlationMethod('dare')).toBe('attention');
  });
});

describe('normalisations', () => {
  it('softmax sums to one and is shift-invariant', () => {
    const s = softmax([1000, 1001]);
    expect(s[0] + s[1]).toBeCloseTo(1, 15);
    expect(s[1]).toBeCloseTo(Math.E / (1 + Math.E), 14);
  });

  it('min-max and z-score map constants to zeros', () => {
    expect([...minMax([3, 3])]).toEqual([0, 0]);
    expect([...minMax([1, 3, 2])]).toEqual([0, 1, 0.5]);
    expect([...zScore([2, 2, 2])]).toEqual([0, 0, 0]);
    expect([...zScore([1, 3])]).toEqual([-1, 1]);
  });
});

describe('Spearman', () => {
  it('is 1 for a monotone map, -1 for a reversed one', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 35, 400])).toBeCloseTo(1, 15);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
  });

  it('uses average ranks for ties (scipy.stats.spearmanr gives 0.9486832980505138)', () => {
    expect([...averageRanks([1, 2, 2, 3])]).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 14);
  });

  it('is NaN for a constant input and rejects mismatched or non-finite inputs', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(/2 and 1/);
    expect(() => spearman([1, NaN], [1, 2])).toThrow(/entry 1/);
  });
});
