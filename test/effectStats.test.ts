import { describe, expect, it } from 'vitest';
import { formatEffect, summarizeEffect } from '../experiments/effectStats.ts';
import { withoutField } from '../experiments/effects.ts';
import { generateSyntheticCtr } from '../src/data/ctr/syntheticCtr.ts';

describe('effect summaries (experiments:check and experiments:record)', () => {
  it('holds when at least 4 of 5 seeds agree and the mean clears the spread', () => {
    const s = summarizeEffect([-0.15, -0.14, -0.16, -0.15, -0.16], -1);
    expect(s).toMatchObject({ agree: 5, seeds: 5, holds: true });
    expect(s.mean).toBeCloseTo(-0.152, 6);
    expect(s.sd).toBeCloseTo(0.008367, 5);
    expect(formatEffect(s)).toBe('−0.152 ± 0.008, 5/5 seeds');
  });

  it('does not hold with the right sign in 4 of 5 seeds but a mean inside the spread', () => {
    const s = summarizeEffect([-0.13, 0.17, -0.09, -0.15, -0.16], -1);
    expect(s.agree).toBe(4);
    expect(Math.abs(s.mean)).toBeLessThan(s.sd);
    expect(s.holds).toBe(false);
  });

  it('does not hold with 3 of 5 seeds, however large the mean', () => {
    expect(summarizeEffect([1, 1, 1, -0.01, -0.01], 1).holds).toBe(false);
  });

  it('measures a level against its threshold', () => {
    const s = summarizeEffect([0.74, 0.74, 0.73, 0.78, 0.79], 1, 0.7);
    expect(s).toMatchObject({ agree: 5, holds: true });
    expect(summarizeEffect([0.54, 0.5, 0.55, 0.57, 0.53], 1, 0.7)).toMatchObject({ agree: 0, holds: false });
    expect(formatEffect(s, 3, 0.7)).toBe('0.756 ± 0.027, 5/5 seeds');
  });
});

describe('withoutField', () => {
  it('drops one column from every split and renumbers the planted pairs', () => {
    const data = generateSyntheticCtr({
      seed: 3,
      rows: 200,
      cardinalities: [3, 5, 7, 9],
      interactionPairs: [
        [0, 2],
        [1, 3],
        [2, 3],
      ],
    });
    const out = withoutField(data, 1);
    expect(out.fields.map((f) => f.name)).toEqual(['f1', 'f3', 'f4']);
    expect(out.plantedPairs).toEqual([
      [0, 1],
      [1, 2],
    ]);
    for (const split of ['train', 'valid', 'test'] as const) {
      const a = data[split];
      const b = out[split];
      expect(b.indices).toHaveLength(a.rows * 3);
      for (let r = 0; r < a.rows; r++)
        expect([b.indices[r * 3], b.indices[r * 3 + 1], b.indices[r * 3 + 2]]).toEqual([a.indices[r * 4], a.indices[r * 4 + 2], a.indices[r * 4 + 3]]);
      expect(b.labels).toBe(a.labels);
    }
  });
});
