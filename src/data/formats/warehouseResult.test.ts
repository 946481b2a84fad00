import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { readWarehouseResult } from './warehouseResult.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../test/warehouse/${name}`, import.meta.url), 'utf8');
const CSV = fixture('result.csv');
const read = (text: string, name = 'result.csv') => readWarehouseResult(bytesByteSource(new TextEncoder().encode(text), name));
/** The fixture with the line that starts with `prefix` replaced (or dropped when `by` is null). */
const edit = (prefix: string, by: string | null) => {
  const lines = CSV.split('\n');
  const i = lines.findIndex((l) => l.startsWith(prefix));
  if (i < 0) throw new Error(`no line ${prefix}`);
  if (by === null) lines.splice(i, 1);
  else lines[i] = by;
  return lines.join('\n');
};

describe('readWarehouseResult', () => {
  test('reads DuckDB’s CSV and JSON lines of the same result alike', async () => {
    const csv = await read(CSV);
    const json = await read(fixture('result.json'), 'result.json');
    expect(csv.dim).toBe(16);
    expect(csv.normalised).toBe(true);
    expect(csv.fields.map((f) => [f.name, f.rows, f.excludedRows])).toEqual([
      ['city', 37, 3],
      ['item_id', 600, 0],
      ['user_id', 400, 0],
    ]);
    for (const [a, b] of csv.fields.map((f, i) => [f, json.fields[i]] as const)) {
      expect([...a.gram]).toEqual([...b.gram]);
      expect([...a.normalisedGram!]).toEqual([...b.normalisedGram!]);
      expect([...a.colSum]).toEqual([...b.colSum]);
    }
    const g = csv.fields[1].gram;
    expect(g[1 * 16 + 0]).toBe(g[0 * 16 + 1]);
  });

  test('a JSON array, numbers as strings (BigQuery), columns in any order, a headerless CSV (Spark), TSV', async () => {
    const rows = CSV.trim().split('\n').slice(1);
    const objects = rows.map((r) => {
      const [field, stat, i, j, value] = r.split(',');
      return { value, j, i: Number(i), stat, field };
    });
    const base = await read(CSV);
    const expectSame = async (text: string, name: string) => expect((await read(text, name)).fields[2].gram).toEqual(base.fields[2].gram);
    await expectSame(JSON.stringify(objects), 'result.json');
    await expectSame(rows.join('\n') + '\n', 'part-00000.csv');
    await expectSame(CSV.replace(/,/g, '\t'), 'result.tsv');
    await expectSame('value,j,i,stat,field\n' + rows.map((r) => r.split(',').reverse().join(',')).join('\n') + '\n', 'swapped.csv');
  });

  test('refuses a result with an entry missing, twice, below the diagonal or out of place', async () => {
    await expect(read(edit('item_id,gram,3,7,', null))).rejects.toThrow(/field "item_id" has no gram entry \(3, 7\) of K = 16/);
    await expect(read(edit('user_id,sum,16,0,', null))).rejects.toThrow(/no column sum for i = 16/);
    await expect(read(CSV + CSV.split('\n')[5] + '\n')).rejects.toThrow(/appears twice/);
    await expect(read(edit('city,gram,1,2,', 'city,gram,2,1,2.6'))).rejects.toThrow(/upper triangle/);
    await expect(read(edit('city,excluded,0,0,', 'city,excluded,1,0,3'))).rejects.toThrow(/i = j = 0/);
    await expect(read(edit('city,excluded,0,0,', 'city,excluded,0,0,2.5'))).rejects.toThrow(/whole number/);
    await expect(read(edit('city,gram,1,2,', 'city,gramm,1,2,1'))).rejects.toThrow(/unknown stat "gramm"/);
    await expect(read(edit('city,gram,1,2,', 'city,gram,1,2,NaN'))).rejects.toThrow(/not a finite number/);
    await expect(read(edit('city,gram,1,2,', 'city,gram,1,x,1'))).rejects.toThrow(/j is "x"/);
    await expect(read(edit('city,gram,1,2,', 'city,gram,1,5000,1'))).rejects.toThrow(/from 0 to 4096/);
  });

  test('refuses values no table can give, a cut-short file, the wrong header, an empty file', async () => {
    await expect(read(edit('city,gram,1,1,', 'city,gram,1,1,-1'))).rejects.toThrow(/negative/);
    await expect(read(edit('city,gram,1,2,', 'city,gram,1,2,1e6'))).rejects.toThrow(/exceeds sqrt of its diagonal/);
    await expect(read(edit('city,sum,1,0,', 'city,sum,1,0,1e6'))).rejects.toThrow(/sqrt\(rows x gram/);
    await expect(read(edit('city,ngram,1,1,', 'city,ngram,1,1,40'))).rejects.toThrow(/trace/);
    await expect(read(CSV.slice(0, CSV.length - 5))).rejects.toThrow(/cut short/);
    await expect(read(CSV.replace('field,stat,i,j,value', 'a,b,c,d,e'))).rejects.toThrow(/header names columns/);
    await expect(read('')).rejects.toThrow(/empty/);
    await expect(read('{"field": "a"}\n', 'r.json')).rejects.toThrow(/has no stat, i, j, value/);
    await expect(read('{"field": "a", \n', 'r.json')).rejects.toThrow(/not a JSON object/);
  });

  test('arrays of another length than K are refused, naming the field and the fix', async () => {
    await expect(read(edit('city,excluded,0,0,', 'city,excluded,0,0,3\ncity,wrong_length,0,0,4'))).rejects.toThrow(
      /field "city" has 4 rows whose array is not 16 long/,
    );
  });

  test('a field with every row excluded has no sums and zero rows; a result where nothing was summed is refused', async () => {
    const r = await read(CSV + 'lost,excluded,0,0,5\n');
    expect(r.fields.find((f) => f.name === 'lost')).toMatchObject({ rows: 0, excludedRows: 5 });
    await expect(read('field,stat,i,j,value\nlost,excluded,0,0,5\n')).rejects.toThrow(/no field has a row/);
  });

  test('opens as a table of its fields (the studio’s drop); one without the normalised Gram is refused there', async () => {
    const file = await openTableFile(bytesByteSource(new TextEncoder().encode(CSV), 'result.csv'));
    expect(file.tensors.map((t) => [t.name, ...t.shape])).toEqual([
      ['city', 37, 16],
      ['item_id', 600, 16],
      ['user_id', 400, 16],
    ]);
    expect(file.partialGram?.fields[1].recscope.gram[0]).toBeGreaterThan(0);
    const raw = CSV.split('\n')
      .filter((l) => !l.includes(',ngram,'))
      .join('\n');
    await expect(openTableFile(bytesByteSource(new TextEncoder().encode(raw), 'raw.csv'))).rejects.toThrow(/without the row-normalised Gram/);
  });
});
