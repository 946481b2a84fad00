import { describe, expect, it } from 'vitest';
import { cosineHistogram, dominationOverSteps, rowGradientStats, touchedIds, type RoleGradientObservation } from './attentionRepresentationGradients.ts';

describe('rowGradientStats', () => {
  it('gives each gathered row its cosine and norms; NaN cosine for a zero gradient', () => {
    // Rows 3, 7, 9 of a table, dim 2: opposite, orthogonal, and a zero attention gradient.
    const o = rowGradientStats(4, [1, 0, 0, 2, 0, 0], [-2, 0, 3, 0, 1, 1], 2, [3, 7, 9]);
    expect(o.step).toBe(4);
    expect([...o.rows]).toEqual([3, 7, 9]);
    expect(o.cosine[0]).toBe(-1);
    expect(o.cosine[1]).toBe(0);
    expect(o.cosine[2]).toBeNaN();
    expect([...o.attentionNorm]).toEqual([1, 2, 0]);
    expect(o.representationNorm[0]).toBe(2);
    expect(o.representationNorm[2]).toBeCloseTo(Math.SQRT2, 12);
    expect(() => rowGradientStats(0, [1, 2, 3], [1, 2, 3], 2, [1])).toThrow(/rows of 2/);
    expect(() => rowGradientStats(0, [1, 2], [1], 2, [1])).toThrow(/gradients of/);
  });

  it('touchedIds drops padding and duplicates', () => {
    expect([...touchedIds([0, 5, 2, 5, 0, 9, 2])]).toEqual([2, 5, 9]);
  });
});

describe('cosineHistogram', () => {
  it('bins [-1, 1] evenly, 1 in the last bin, NaN skipped, and counts the conflicting share', () => {
    const h = cosineHistogram([-1, -0.5, -0.01, 0, 0.49, 0.5, 1, NaN], 4);
    expect([...h.edges]).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect([...h.counts]).toEqual([1, 2, 2, 2]);
    expect(h.total).toBe(7);
    expect(h.conflictingShare).toBeCloseTo(3 / 7, 12);
    expect(cosineHistogram([NaN]).conflictingShare).toBeNaN();
    expect(() => cosineHistogram([], 0)).toThrow(/bins/);
  });
});

describe('per category and over steps', () => {
  const obs = (step: number, rows: number[], cosine: number[], a: number[], r: number[]): RoleGradientObservation => ({
    step,
    rows: Int32Array.from(rows),
    cosine: Float64Array.from(cosine),
    attentionNorm: Float64Array.from(a),
    representationNorm: Float64Array.from(r),
  });
  const steps = [obs(1, [2, 5], [-0.5, 0.25], [1, 2], [3, 4]), obs(2, [2], [0.1], [2], [2]), obs(3, [5], [NaN], [0], [6])];

  it('dominationOverSteps is the ratio of mean norms per step', () => {
    const d = dominationOverSteps(steps);
    expect(d.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(d[0].ratio).toBeCloseTo(3.5 / 1.5, 12);
    expect(d[1].ratio).toBe(1);
    expect(d[2].ratio).toBeNaN();
  });
});
