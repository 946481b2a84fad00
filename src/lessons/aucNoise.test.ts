import { describe, expect, it } from 'vitest';
import { aucStandardError } from './aucNoise.ts';

describe('AUC standard error', () => {
  it('matches Hanley & McNeil and shrinks with more positives', () => {
    // By hand: Q1 = 0.8/1.2, Q2 = 1.28/1.8; (0.16 + 49(Q1 - 0.64) + 49(Q2 - 0.64)) / 2500 -> SE 0.04450.
    expect(aucStandardError(0.8, 50, 50)).toBeCloseTo(0.0445, 4);
    expect(aucStandardError(1, 50, 50)).toBe(0);
    expect(aucStandardError(0.55, 65, 1935)).toBeGreaterThan(aucStandardError(0.55, 587, 1413));
  });
});
