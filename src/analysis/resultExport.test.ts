import { describe, expect, it } from 'vitest';
import { resultToCSV, resultToJSON } from './resultExport.ts';
import type { AnalysisResult, FieldResult } from '../contracts/tables.ts';

function field(name: string, dim: number, sv: number[], extra: Partial<FieldResult> = {}): FieldResult {
  return {
    // deliberately not in schema order, to show the export reorders
    excluded_rows: 0,
    effective_rank: 1.5,
    name,
    dim,
    rows: 10,
    singular_values: sv,
    normalized_spectrum: [...sv.map((s) => s / sv[0]), ...new Array(dim - sv.length).fill(0)],
    information_abundance: sv.reduce((a, b) => a + b, 0) / sv[0],
    ...extra,
  };
}

const result: AnalysisResult = {
  options: { tensors: ['t'], field_dims: [10, 10], mode: 'recscope' },
  source: 'table.npy',
  fields: [field('field_0', 3, [2, 1, 1]), field('say "hi", ok', 2, [1], { excluded_rows: 4 })],
};

describe('resultToJSON', () => {
  it('writes exactly the schema keys in schema order', () => {
    const doc = JSON.parse(resultToJSON(result));
    expect(Object.keys(doc)).toEqual(['source', 'options', 'fields']);
    expect(Object.keys(doc.options)).toEqual(['mode', 'field_dims', 'tensors']);
    expect(Object.keys(doc.fields[0])).toEqual([
      'name',
      'rows',
      'dim',
      'singular_values',
      'normalized_spectrum',
      'information_abundance',
      'effective_rank',
      'excluded_rows',
    ]);
    expect(doc.source).toBe('table.npy');
    expect(doc.fields[0].normalized_spectrum).toEqual([1, 0.5, 0.5]);
    expect(doc.fields[1].excluded_rows).toBe(4);
  });

  it('omits field_dims when the result has none', () => {
    const doc = JSON.parse(resultToJSON({ ...result, options: { mode: 'raw', tensors: ['a', 'b'] } }));
    expect(doc.options).toEqual({ mode: 'raw', tensors: ['a', 'b'] });
  });
});

describe('resultToCSV', () => {
  it('one row per field, both spectra named for what they hold, to the largest dim, RFC 4180 quoting', () => {
    const lines = resultToCSV(result).split('\r\n');
    expect(lines).toEqual([
      'name,rows,dim,information_abundance,ia_over_dim,effective_rank,excluded_rows,' +
        'normalized_spectrum_1,normalized_spectrum_2,normalized_spectrum_3,singular_value_1,singular_value_2,singular_value_3',
      'field_0,10,3,2,0.6666666666666666,1.5,0,1,0.5,0.5,2,1,1',
      '"say ""hi"", ok",10,2,1,0.5,1.5,4,1,0,,1,,',
      '',
    ]);
  });

  it('normalized_spectrum_i holds s_i / s_1 and singular_value_i holds s_i', () => {
    const [head, row] = resultToCSV({ ...result, fields: [field('f', 3, [4, 2, 1])] }).split('\r\n');
    const cells = Object.fromEntries(head.split(',').map((h, i) => [h, Number(row.split(',')[i])]));
    expect(cells.singular_value_2 / cells.singular_value_1).toBe(cells.normalized_spectrum_2);
    expect([cells.singular_value_1, cells.singular_value_2, cells.singular_value_3]).toEqual([4, 2, 1]);
    expect(head).not.toMatch(/(^|,)s_\d/);
  });

  it('quotes names with line breaks', () => {
    const csv = resultToCSV({ ...result, fields: [field('a\nb', 1, [1])] });
    expect(csv.split('\r\n')[1]).toBe('"a\nb",10,1,1,1,1.5,0,1,1');
  });
});
