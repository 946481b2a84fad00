import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { AVAZU_COLUMNS, avazuHourTokens, parseAvazuText } from './avazu.ts';

const HEADER = AVAZU_COLUMNS.join(',');
function row(id: string, click: string, hour: string, rest: string[] = []): string {
  return [id, click, hour, ...rest, ...Array(21 - rest.length).fill('z')].join(',');
}

describe('avazuHourTokens', () => {
  it('reads hour of day and weekday from YYMMDDHH', () => {
    expect(avazuHourTokens('14102100')).toEqual({ hour: '0', weekday: 'Tue' }); // 2014-10-21 was a Tuesday
    expect(avazuHourTokens('14102623')).toEqual({ hour: '23', weekday: 'Sun' });
    expect(avazuHourTokens('14103224')).toBeNull();
    expect(avazuHourTokens('1410210')).toBeNull();
  });
});

describe('Avazu parser', () => {
  it('drops id, expands hour into hour and weekday: 23 fields', () => {
    const text = [HEADER, row('1', '1', '14102100', ['1005']), row('2', '0', '14102101', ['1005']), row('3', '0', '14102200', ['1002'])].join('\n');
    const ds = parseAvazuText(text, { minCount: 1, split: { fractions: [1, 0, 0] } });
    expect(ds.fields).toHaveLength(23);
    expect(ds.fields.slice(0, 4).map((f) => f.name)).toEqual(['hour', 'weekday', 'C1', 'banner_pos']);
    expect(ds.fields.map((f) => f.cardinality).slice(0, 3)).toEqual([3, 3, 3]);
    expect(Array.from(ds.train.indices.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(ds.train.indices.subarray(46, 49))).toEqual([1, 2, 2]);
    expect([...ds.train.labels]).toEqual([1, 0, 0]);
  });

  it('explains a missing click column, ragged rows and bad hours', () => {
    const err = (text: string): ImportError => {
      try {
        parseAvazuText(text);
      } catch (e) {
        return e as ImportError;
      }
      throw new Error('did not throw');
    };
    const noClick = err(HEADER.replace('click,', '') + '\n');
    expect(noClick.code).toBe('bad-header');
    expect(noClick.message).toMatch(/no "click" column.*test file has no labels/);
    const ragged = err([HEADER, row('1', '1', '14102100'), 'a,b,c'].join('\n') + '\n');
    expect(ragged.message).toMatch(/line 3 has 3 columns; expected 24/);
    expect(err([HEADER, row('1', '1', '2014-10-21')].join('\n')).message).toMatch(/line 2: hour is "2014-10-21"/);
    expect(err([HEADER, row('1', '2', '14102100')].join('\n')).message).toMatch(/line 2: click is "2", not 0 or 1/);
    expect(err(HEADER).code).toBe('empty');
  });
});
