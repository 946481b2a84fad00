import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline.ts';

describe('sparkline', () => {
  it('maps [0, 1] to eight block levels, zeros to a dot', () => {
    expect(sparkline([1, 6 / 7, 0.5, 1 / 7, 1e-9, 0])).toBe('█▇▅▂▁·');
  });

  it('averages long spectra into the width', () => {
    expect(sparkline([1, 1, 0, 0, 1 / 7, 1 / 7], 3)).toBe('█·▂');
    expect(sparkline(new Array(200).fill(1))).toHaveLength(64);
  });
});
