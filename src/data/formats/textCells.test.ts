import { describe, expect, it } from 'vitest';
import { parseCell, splitCells } from './textCells.ts';

describe('splitCells', () => {
  it('splits tabs, commas and runs of spaces; drops one trailing empty cell', () => {
    expect(splitCells('1\t2\t3\t', 'tab')).toEqual(['1', '2', '3']);
    expect(splitCells('a,1.5,2', 'comma')).toEqual(['a', '1.5', '2']);
    expect(splitCells('  the  0.1 -0.2 ', 'space')).toEqual(['the', '0.1', '-0.2']);
  });

  it('honours CSV quotes, commas inside them and doubled quotes', () => {
    expect(splitCells('"New York, NY","1.5",2', 'comma')).toEqual(['New York, NY', '1.5', '2']);
    expect(splitCells('"say ""hi""",3', 'comma')).toEqual(['say "hi"', '3']);
  });
});

describe('parseCell', () => {
  it.each([
    ['1.5', 1.5],
    ['-2e-3', -0.002],
    [' 7 ', 7],
    ['.5', 0.5],
    ['+3', 3],
    ['0', 0],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['-INF', -Infinity],
  ])('reads %j as %d', (cell, value) => {
    expect(parseCell(cell)).toBe(value);
  });

  it('reads nan in any case as NaN', () => {
    for (const cell of ['nan', 'NaN', 'NAN', '-nan']) expect(parseCell(cell)).toBeNaN();
  });

  it.each(['', '  ', 'abc', '0x1f', '0b11', '1,5', '1.2.3', 'e5', 'NaNa'])('rejects %j', (cell) => {
    expect(parseCell(cell)).toBeUndefined();
  });
});
