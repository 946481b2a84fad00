import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { AVAZU_COLUMNS } from './avazu.ts';
import { detectCtrFormat, requireCtrFormat } from './detectCtrFormat.ts';

const criteoLine = ['1', ...Array(13).fill('5'), ...Array(26).fill('68fd1e64')].join('\t');

function failure(lines: string[]): ImportError {
  try {
    requireCtrFormat(lines, 'data.txt');
  } catch (e) {
    return e as ImportError;
  }
  throw new Error('did not throw');
}

describe('detectCtrFormat', () => {
  it('recognises each format from its first lines', () => {
    expect(detectCtrFormat([criteoLine])).toBe('criteo');
    expect(detectCtrFormat(['', AVAZU_COLUMNS.join(',') + '\r'])).toBe('avazu');
    expect(detectCtrFormat(['userId,movieId,rating,timestamp', '1,1,4.0,964982703'])).toBe('movielens-csv');
    expect(detectCtrFormat(['196\t242\t3\t881250949'])).toBe('movielens-100k');
    expect(detectCtrFormat(['a,b,c'])).toBeNull();
    expect(detectCtrFormat(['user,clk,item'])).toBe('csv');
    expect(detectCtrFormat(['1,"a, b",3'])).toBe('csv');
    expect(detectCtrFormat(['u1,3,x'])).toBeNull();
    expect(detectCtrFormat([])).toBeNull();
  });

  it('says what an unrecognised file looks like', () => {
    const test = failure([criteoLine.split('\t').slice(1).join('\t')]);
    expect(test.code).toBe('ragged-row');
    expect(test.message).toMatch(/data.txt has 39 tab-separated columns on line 1: it looks like a Criteo test file/);
    expect(failure(['x' + criteoLine]).message).toMatch(/label on line 1 is "x1", not 0 or 1/);
    expect(failure([AVAZU_COLUMNS.filter((c) => c !== 'click').join(',')]).message).toMatch(/without a "click" column/);
    // A header with a rating column is read as CSV with click = rating >= 4 (ctrCsv.ts), not refused.
    expect(detectCtrFormat(['UserID,MovieID,Rating'])).toBe('csv');
    const unlabelled = failure(['a,b,c']);
    expect(unlabelled.code).toBe('bad-header');
    expect(unlabelled.message).toMatch(/has a header \(a, b, c\) but no label column/);
    expect(failure(['u1,260.0,x']).message).toMatch(/line 1 is data, not a header \(column 2 is the number "260.0"\)/);
    const other = failure(['just some words']);
    expect(other.code).toBe('unsupported-format');
    expect(other.message).toMatch(/line 1 has a single column/);
    expect(failure(['', '']).code).toBe('empty');
  });
});
