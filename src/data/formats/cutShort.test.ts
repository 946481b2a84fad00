import { describe, expect, it } from 'vitest';
import { ColumnWidths } from './cutShort.ts';

const column = (cells: string[]) => {
  const widths = new ColumnWidths();
  for (const cell of cells) widths.observe(cell);
  return widths;
};

describe('rule (c): a last value narrower than its fixed-width column', () => {
  it('names fixed-precision floats and fixed-width hashes cut inside their last value', () => {
    const floats = column(['0.1234', '-1.5000', '12.0001', '3.1416']);
    expect(floats.looksCut('0.12')).toBe(true);
    expect(floats.looksCut('0.')).toBe(true);
    expect(floats.looksCut('0')).toBe(true);
    expect(floats.looksCut('-7.2500')).toBe(false);
    const hashes = column(['05db9164', '68fd1e64', 'be589b51']);
    expect(hashes.looksCut('8cf07')).toBe(true);
    expect(hashes.looksCut('aa3e1a5b')).toBe(false);
  });

  it('never calls a whole number, nan or inf cut: ids and counts cross digit boundaries, and nan rows are excluded later', () => {
    expect(column(['10', '12', '16']).looksCut('9')).toBe(false);
    expect(column(['100', '512', '999']).looksCut('98')).toBe(false);
    // Fixed-width long integers (Unix times) are measured: a cut inside the last one is named.
    expect(column(['1700000000', '964982703', '1700000002']).looksCut('17000')).toBe(true);
    expect(column(['1700000000', '964982703', '1700000002']).looksCut('964982704')).toBe(false);
    const floats = column(['0.1234', '0.5000', 'nan', '0.2500']);
    for (const special of ['nan', 'NaN', 'inf', '-inf', 'Infinity']) expect(floats.looksCut(special)).toBe(false);
    expect(floats.looksCut('0.1')).toBe(true);
  });

  it('names an empty last value only in a column that was never empty, and says nothing with fewer than 3 rows', () => {
    expect(column(['a1', 'b2', 'c3']).looksCut('')).toBe(true);
    expect(column(['a1', '', 'c3']).looksCut('')).toBe(false);
    expect(column(['0.1234', '0.5678']).looksCut('0.1')).toBe(false);
    expect(column(['word', 'longer words', 'x']).looksCut('w')).toBe(false);
  });
});
