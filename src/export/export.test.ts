import { describe, expect, it } from 'vitest';
import { interactionTable, seriesTable, spectrumTable } from './chartTables.ts';
import { csvField, toCsv } from '../data/csv.ts';
import { toJson } from './json.ts';

describe('CSV per RFC 4180', () => {
  it('leaves plain fields bare', () => {
    expect(csvField('click')).toBe('click');
    expect(csvField('a b')).toBe('a b');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(-3)).toBe('-3');
  });
  it('quotes a field with a comma, a quote, CR or LF, doubling the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvField('both\r\n')).toBe('"both\r\n"');
  });
  it('writes non-finite numbers and missing cells as empty fields', () => {
    expect([NaN, Infinity, -Infinity, null, undefined].map(csvField)).toEqual(['', '', '', '', '']);
  });
  it('ends every record, the last too, with CRLF and quotes header cells like any other', () => {
    const csv = toCsv({
      header: ['field', 'IA, of K'],
      rows: [
        ['user,id', 3],
        ['item', NaN],
      ],
    });
    expect(csv).toBe('field,"IA, of K"\r\n"user,id",3\r\nitem,\r\n');
  });
  it('reads back to the same cells with a strict RFC 4180 reader', () => {
    const cells = ['plain', 'a,b', 'q"uote', 'multi\r\nline', ''];
    expect(parseCsv(toCsv({ header: cells, rows: [cells] }))).toEqual([cells, cells]);
  });
});

describe('chart tables', () => {
  it('line series in long format, labels quoted, spread 0 when absent', () => {
    expect(toCsv(seriesTable([{ label: 'a,b', points: [{ x: 1, y: 2 }] }], 'step', 'loss'))).toBe('series,step,loss\r\n"a,b",1,2\r\n');
    expect(
      toCsv(
        seriesTable(
          [
            {
              label: 'a',
              points: [
                { x: 1, y: 2, spread: 0.5 },
                { x: 2, y: 3 },
              ],
            },
          ],
          'size',
          'ia',
          'sd',
        ),
      ),
    ).toBe('series,size,ia,sd\r\na,1,2,0.5\r\na,2,3,0\r\n');
  });
  it('interaction matrix in display order (raw IA ascending)', () => {
    const csv = toCsv(
      interactionTable({
        fields: ['x', 'y', 'z'],
        rawIa: [3, 1, 2],
        ia: [
          [3, 1.5, 2],
          [1, 1, 1.2],
          [2, 1.1, 2],
        ],
      }),
    ).split('\r\n');
    expect(csv[0]).toBe('field (raw IA ascending),raw_ia,y,z,x');
    expect(csv[1]).toBe('y,1,1,1.2,1');
  });
  it('spectrum rows quote a field name with a comma (the inline CSV this replaces did not)', () => {
    expect(toCsv(spectrumTable([{ name: 'user,id', rows: 3, dim: 2, normalized_spectrum: [1, 0.5], information_abundance: 1.5, effective_rank: 1.4 }]))).toBe(
      'field,index,s_over_s1\r\n"user,id",1,1\r\n"user,id",2,0.5\r\n',
    );
  });
  it('JSON writes non-finite numbers as null', () => {
    expect(JSON.parse(toJson({ a: NaN, b: [1, Infinity] }))).toEqual({ a: null, b: [1, null] });
  });
});

/** A strict RFC 4180 reader for the round trip (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else field += text[i++];
  }
  return records;
}
