import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvRecordReader, MAX_CSV_RECORD_LINES, parseCsvText, toCsv } from './csv.ts';
import { ImportError } from './importError.ts';

const DIR = join(import.meta.dirname, '../../test/ctr-data');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, { records: string[][] }>;

function error(run: () => unknown): ImportError {
  try {
    run();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('CsvRecordReader (RFC 4180)', () => {
  it("reads csv.writer's records (quoted commas, doubled quotes, line breaks, empty cells) as Python's csv.reader does", () => {
    const text = readFileSync(join(DIR, 'rfc4180_cases.csv'), 'utf8');
    expect(parseCsvText(text)).toEqual(expected['rfc4180_cases.csv'].records);
  });

  it("reads DeepCTR's movielens sample, whose titles hold quoted commas, to 10 columns on every row", () => {
    const records = parseCsvText(readFileSync(join(DIR, 'deepctr_movielens_sample.txt'), 'utf8'));
    expect(records).toHaveLength(201);
    expect(new Set(records.map((r) => r.length))).toEqual(new Set([10]));
    expect(records.map((r) => r[4])).toContain('Bridges of Madison County, The (1995)');
  });

  it('round-trips what toCsv writes', () => {
    const rows = [
      ['a', 'b,c', 'say "x"'],
      ['', 'two\r\nlines', 'ü'],
    ];
    // A CR before LF inside a quoted field ends a line the reader is given without it: it comes back as LF.
    expect(parseCsvText(toCsv({ header: ['h1', 'h2', 'h3'], rows }))).toEqual([
      ['h1', 'h2', 'h3'],
      ['a', 'b,c', 'say "x"'],
      ['', 'two\nlines', 'ü'],
    ]);
  });

  it('takes a quote inside an unquoted field literally, as Python does', () => {
    expect(new CsvRecordReader(',').push('12" vinyl,b', 1)).toEqual(['12" vinyl', 'b']);
  });

  it('refuses text after a closing quote, naming line and column', () => {
    const e = error(() => parseCsvText('a,b\n1,"x"y\n', ',', 'f.csv'));
    expect(e.message).toMatch(/f.csv line 2, column 2: "y" follows a closing quote/);
  });

  it('refuses a quote left open at the end of the file, and one open for too many lines', () => {
    expect(error(() => parseCsvText('a,b\n1,"x\n2,y\n', ',', 'f.csv')).message).toMatch(/line 2: a quoted field opens in column 2 and the file ends/);
    const long = 'a,b\n1,"' + 'x\n'.repeat(MAX_CSV_RECORD_LINES + 5);
    const e = error(() => parseCsvText(long, ',', 'f.csv'));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/still open/);
  });

  it('reads tab-separated records with quotes too', () => {
    expect(parseCsvText('a\tb\n"x\ty"\tz\n')).toEqual([
      ['a', 'b'],
      ['x\ty', 'z'],
    ]);
  });
});
