import { describe, expect, it } from 'vitest';
import { formatFieldDims, parseFieldDimsJSON, parseFieldDimsText } from './fieldDims.ts';

describe('parseFieldDimsText', () => {
  it('reads commas, spaces and brackets', () => {
    expect(parseFieldDimsText('2,7,24')).toEqual([2, 7, 24]);
    expect(parseFieldDimsText(' 2 7\t24 ')).toEqual([2, 7, 24]);
    expect(parseFieldDimsText('[2, 7, 24]')).toEqual([2, 7, 24]);
  });
  it('treats empty text as no split', () => {
    expect(parseFieldDimsText('   ')).toBeUndefined();
  });
  it('names the bad entry', () => {
    expect(() => parseFieldDimsText('2,x,24')).toThrow(/entry 2 \("x"\)/);
    expect(() => parseFieldDimsText('2,0')).toThrow(/entry 2/);
    expect(() => parseFieldDimsText('2.5')).toThrow(/positive whole number/);
  });
});

describe('parseFieldDimsJSON', () => {
  it('accepts an array or an object with field_dims', () => {
    expect(parseFieldDimsJSON('[2,7]')).toEqual([2, 7]);
    expect(parseFieldDimsJSON('{"field_dims":[3,4],"other":1}')).toEqual([3, 4]);
  });
  it('rejects malformed sidecars with a code and a fix', () => {
    expect(() => parseFieldDimsJSON('{')).toThrow(/not valid JSON/);
    expect(() => parseFieldDimsJSON('{"dims":[1]}')).toThrow(/no "field_dims"/);
    expect(() => parseFieldDimsJSON('[1,-2]')).toThrow(expect.objectContaining({ code: 'bad-field-dims', fix: expect.stringMatching(/2,7,24/) }));
  });
  it('round-trips through the text box', () => {
    expect(parseFieldDimsText(formatFieldDims([2, 7, 24]))).toEqual([2, 7, 24]);
  });
});
