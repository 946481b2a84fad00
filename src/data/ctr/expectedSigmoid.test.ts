import { describe, expect, it } from 'vitest';
import { expectedSigmoid, sigmoid } from './expectedSigmoid.ts';

/** E[sigmoid(l + sigma z)] by a fine midpoint rule over z in [-10, 10]. */
function direct(l: number, sigma: number): number {
  let sum = 0;
  let weight = 0;
  for (let z = -10; z <= 10; z += 0.001) {
    const w = Math.exp(-0.5 * z * z);
    sum += w * sigmoid(l + sigma * z);
    weight += w;
  }
  return sum / weight;
}

describe('expectedSigmoid', () => {
  it('is the sigmoid without noise', () => {
    const g = expectedSigmoid(0);
    expect(g(0)).toBe(0.5);
    expect(g(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
  });

  it('matches direct integration with noise, and is flatter than the sigmoid', () => {
    for (const sigma of [0.5, 2]) {
      const g = expectedSigmoid(sigma);
      for (const l of [-6, -1.3, 0, 0.7, 4]) expect(Math.abs(g(l) - direct(l, sigma))).toBeLessThan(1e-5);
      expect(g(2)).toBeLessThan(sigmoid(2));
      expect(g(0)).toBeCloseTo(0.5, 6);
    }
  });
});
