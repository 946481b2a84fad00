import { describe, expect, it } from 'vitest';
import { halfTable, halfToFloat } from './float16.ts';

describe('halfToFloat', () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0400, 2 ** -14],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x8001, -(2 ** -24)],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('decodes 0x%s exactly', (bits, value) => {
    expect(halfToFloat(bits)).toBe(value);
  });

  it('keeps the sign of zero and decodes every NaN payload as NaN', () => {
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    for (const bits of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) expect(halfToFloat(bits)).toBeNaN();
  });

  it('is monotonic over the positive finite halves, and the table matches it', () => {
    const table = halfTable();
    for (let bits = 1; bits < 0x7c00; bits++) {
      expect(halfToFloat(bits)).toBeGreaterThan(halfToFloat(bits - 1));
      if (bits % 97 === 0) expect(table[bits]).toBe(halfToFloat(bits));
    }
  });
});
