import { describe, expect, it } from 'vitest';
import { AuTracker, layerDominance } from './taskDominance.ts';

describe('AuTracker', () => {
  it('matches a direct computation of AU and rAU', () => {
    const beta = 0.8;
    // Plain numbers: the hand values below are exact in float64.
    const steps = [
      [
        [0.1, 0, -0.3],
        [0.2, 0, 0.1],
      ],
      [
        [-0.4, 0, 0.05],
        [0.0, 0, 0.3],
      ],
      [
        [0.3, 0, 0.2],
        [-0.1, 0, 0.1],
      ],
    ];
    const tracker = new AuTracker(3, 2, beta);
    for (const s of steps) tracker.update(s);
    for (let i = 0; i < 3; i++) {
      const direct = [0, 1].map((k) => steps.reduce((a, s) => beta * a + (1 - beta) * s[k][i] ** 2, 0));
      expect(tracker.au[0][i]).toBeCloseTo(direct[0], 12);
      expect(tracker.au[1][i]).toBeCloseTo(direct[1], 12);
      const rau = tracker.relative();
      if (i === 1) expect(rau[0][i]).toBeNaN();
      else expect(rau[0][i]).toBeCloseTo(direct[0] / (direct[0] + direct[1]), 12);
    }
    // Entry 0 by hand: AU^0 = 0.2*(0.8^2*0.01 + 0.8*0.16 + 0.09), AU^1 = 0.2*(0.8^2*0.04 + 0 + 0.01).
    expect(tracker.au[0][0]).toBeCloseTo(0.2 * (0.0064 + 0.128 + 0.09), 12);
    expect(tracker.au[1][0]).toBeCloseTo(0.2 * (0.0256 + 0.01), 12);
  });

  it('rejects mismatched updates and a bad beta', () => {
    const tracker = new AuTracker(2, 2);
    expect(() => tracker.update([new Float32Array(2)])).toThrow(/2 task updates/);
    expect(() => tracker.update([new Float32Array(2), new Float32Array(3)])).toThrow(/3 entries/);
    expect(() => new AuTracker(1, 2, 1)).toThrow(/beta/);
  });
});

describe('layerDominance', () => {
  it('averages rAU, counts argmax shares and bins rAU over a layer, skipping unmoved entries', () => {
    const a = new AuTracker(2, 2, 0);
    a.update([Float32Array.from([3, 0]), Float32Array.from([1, 0])]); // rAU 0.9/0.1, untouched
    const b = new AuTracker(1, 2, 0);
    b.update([Float32Array.from([1]), Float32Array.from([2])]); // rAU 0.2/0.8
    const d = layerDominance('bottom/1', [a, b], 10);
    expect(d.parameters).toBe(2);
    expect(d.meanRau[0]).toBeCloseTo((0.9 + 0.2) / 2, 12);
    expect(d.meanRau[1]).toBeCloseTo((0.1 + 0.8) / 2, 12);
    expect(d.argmaxShare).toEqual([0.5, 0.5]);
    expect(d.histogram[0]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect(d.histogram[1]).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
  });
});
