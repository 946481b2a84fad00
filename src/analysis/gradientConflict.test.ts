import { describe, expect, it } from 'vitest';
import { cosineMatrix, meanRowCosine, touchedRows } from './gradientConflict.ts';

describe('cosineMatrix', () => {
  it('takes the cosine over all chunks of a layer', () => {
    const a = [Float32Array.from([1, 0]), Float32Array.from([0])];
    const b = [Float32Array.from([1, 1]), Float32Array.from([0])];
    const c = [Float32Array.from([-2, 0]), Float32Array.from([0])];
    const m = cosineMatrix([a, b, c]);
    expect(m[0]).toBeCloseTo(1, 12);
    expect(m[1]).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(m[3]).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(m[2]).toBeCloseTo(-1, 12);
    expect(m[5]).toBeCloseTo(-1 / Math.SQRT2, 12);
  });

  it('gives NaN for a zero gradient and rejects misaligned chunks', () => {
    const m = cosineMatrix([[Float32Array.from([0, 0])], [Float32Array.from([1, 2])]]);
    expect(m[1]).toBeNaN();
    expect(() => cosineMatrix([[new Float32Array(2)], [new Float32Array(3)]])).toThrow(/2 and 3/);
  });
});

describe('meanRowCosine / touchedRows', () => {
  it('averages the per-row cosine over touched rows, skipping zero rows', () => {
    // rows of width 2: row 0 aligned, row 1 opposite, row 2 zero in A.
    const gA = Float32Array.from([1, 0, 0, 2, 0, 0]);
    const gB = Float32Array.from([3, 0, 0, -1, 5, 5]);
    expect(meanRowCosine(gA, gB, 2, [0, 1, 2])).toBeCloseTo(0, 12);
    expect(meanRowCosine(gA, gB, 2, [0])).toBeCloseTo(1, 12);
    expect(meanRowCosine(gA, gB, 2, [2])).toBeNaN();
  });

  it('lists the distinct global rows per field', () => {
    const rows = touchedRows(Int32Array.from([1, 0, 1, 2, 3, 2]), 2, [0, 5]);
    expect([...rows[0]]).toEqual([1, 3]);
    expect([...rows[1]]).toEqual([5, 7]);
  });
});
