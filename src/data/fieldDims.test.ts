import { describe, expect, it } from 'vitest';
import { checkFieldDims, parseFieldDims } from './fieldDims.ts';
import { ImportError } from './importError.ts';

function thrown(run: () => unknown): ImportError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return error as ImportError;
  }
  throw new Error('expected an ImportError');
}

describe('parseFieldDims', () => {
  it.each([
    ['2,7,24', [2, 7, 24]],
    ['2 7 24', [2, 7, 24]],
    [' 2, 7,\n24 ', [2, 7, 24]],
    ['[2,7,24]', [2, 7, 24]],
    ['[2, 7, 24,]', [2, 7, 24]],
    ['(2, 7, 24)', [2, 7, 24]],
    ['{"field_dims": [2, 7, 24], "model": "dcnv2"}', [2, 7, 24]],
  ])('reads %j', (text, dims) => {
    expect(parseFieldDims(text)).toEqual(dims);
  });

  it.each([
    ['2,x,24', 'field_dims entry "x" is not a positive whole number'],
    ['2,0,24', 'field_dims entry "0" is not a positive whole number'],
    ['2,-7', 'field_dims entry "-7" is not a positive whole number'],
    ['2.5,3', 'field_dims entry "2.5" is not a positive whole number'],
    ['[2, "7"]', 'field_dims entry ""7"" is not a positive whole number'],
    ['', 'field_dims is empty'],
    ['[]', 'field_dims is empty'],
    ['{"dims": [1]}', 'the field_dims file has no "field_dims" array'],
    ['{"field_dims": [1,', 'the field_dims file is not valid JSON'],
  ])('rejects %j naming the problem', (text, message) => {
    const error = thrown(() => parseFieldDims(text));
    expect(error.code).toBe('bad-field-dims');
    expect(error.message).toContain(message);
    expect(error.fix).toContain('2,7,24');
  });
});

describe('checkFieldDims', () => {
  it('accepts field sizes that partition the rows', () => {
    expect(() => checkFieldDims([2, 7, 24, 150, 900, 4000], 5083)).not.toThrow();
  });

  it('names both sums when they disagree', () => {
    const error = thrown(() => checkFieldDims([2, 7, 24, 150, 900, 2000], 5083));
    expect(error.code).toBe('field-dims-mismatch');
    expect(error.message).toBe('field_dims sum to 3083 but the table has 5083 rows');
  });
});
