import { describe, expect, it } from 'vitest';
import { bucketTokens, logSquaredToken, numericRule } from './numericBuckets.ts';
import { criteoIntegerToken } from './criteo.ts';

describe('numeric columns', () => {
  it("log-squared: Criteo's rule above 2, v - 2 up to 2 (the same tokens as the Criteo TSV loader)", () => {
    expect(logSquaredToken(3)).toBe('1'); // ln 3 = 1.0986, squared 1.207
    expect(logSquaredToken(260)).toBe('30'); // ln 260 = 5.5607, squared 30.92
    expect(logSquaredToken(17668)).toBe('95'); // ln 17668 = 9.7795, squared 95.64
    expect(logSquaredToken(2)).toBe('0');
    expect(logSquaredToken(0)).toBe('-2');
    expect(logSquaredToken(-1)).toBe('-3');
    for (const v of ['0', '1', '2', '3', '7', '260', '-1', '99999']) expect(logSquaredToken(Number(v)), v).toBe(criteoIntegerToken(v));
  });

  it('a column is numeric when a value is written as a decimal, or it is named like Criteo counts; integer ids stay categorical', () => {
    expect(numericRule('I3', ['260', '', '19'])).toBe('log-squared');
    expect(numericRule('price', ['3.9', '189.0'])).toBe('deciles');
    expect(numericRule('count', ['260.0', '35.0', ''])).toBe('log-squared');
    expect(numericRule('userid', ['874257', '227368'])).toBeNull();
    expect(numericRule('I3', ['abc', '3'])).toBeNull();
    expect(numericRule('x', [''])).toBeNull();
  });

  it('deciles split rows, not distinct values, into ten groups; a value is never split', () => {
    const tokens = Array.from({ length: 100 }, (_, i) => (i / 100).toFixed(2));
    const out = bucketTokens('deciles', tokens, new Array<number>(100).fill(1));
    expect(out.slice(0, 10)).toEqual(new Array<string>(10).fill('d0'));
    expect(out.slice(90)).toEqual(new Array<string>(10).fill('d9'));
    expect(new Set(out).size).toBe(10);
    // One value holding 91 of 100 rows sits in one bucket, named by its middle row (the 50th: d4).
    expect(bucketTokens('deciles', ['0.5', '0.1', '0.9', ''], [91, 4, 5, 3])).toEqual(['d4', 'd0', 'd9', '']);
  });
});
