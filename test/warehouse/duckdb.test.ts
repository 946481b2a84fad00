import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyzeTableFile } from '../../src/analysis/analyzeTable.ts';
import { analyzePartialGram, mergePartialGrams } from '../../src/analysis/partialGram.ts';
import { analyzeWarehouseResult } from '../../src/analysis/warehouseAnalysis.ts';
import { warehouseSql } from '../../src/analysis/warehouseSql.ts';
import { bytesByteSource } from '../../src/data/byteSource.ts';
import { readWarehouseResult, warehousePartialGram } from '../../src/data/formats/warehouseResult.ts';
import { openTableFile } from '../../src/data/openTableFile.ts';
import type { AnalysisResult, SpectrumMode } from '../../src/contracts/tables.ts';

/**
 * The warehouse route run for real: the generated DuckDB SQL on a Parquet fixture (made by
 * makeFixtures.ts), its result saved by DuckDB as CSV and as JSON, read back and analysed, against
 * the studio's direct analysis of the same Parquet file (its own reader, hyparquet).
 */
const PARQUET = new URL('./fields.parquet', import.meta.url).pathname;
const MODES: SpectrumMode[] = ['recscope', 'raw', 'centered'];
/** Spectra agree to this, relative to s_1: both sum the same float32 values in float64, in different orders. */
const TOL = 1e-10;

let db: DuckDBInstance;
let con: DuckDBConnection;
let dir: string;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
  dir = await mkdtemp(join(tmpdir(), 'reclens-warehouse-'));
  await con.run(`CREATE VIEW embeddings AS SELECT * FROM read_parquet('${PARQUET}')`);
});

afterAll(async () => {
  con.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the SQL and saves its result as DuckDB writes it: CSV with a header, or JSON lines. */
async function runSaved(sql: string, format: 'csv' | 'json'): Promise<Uint8Array> {
  const path = join(dir, `result.${format}`);
  const query = sql.trim().replace(/;$/, '');
  await con.run(`COPY (${query}) TO '${path}' (FORMAT ${format === 'csv' ? 'CSV, HEADER' : 'JSON'})`);
  return new Uint8Array(await readFile(path));
}

async function direct(mode: SpectrumMode): Promise<AnalysisResult> {
  const file = await openTableFile(bytesByteSource(new Uint8Array(await readFile(PARQUET)), 'fields.parquet'));
  const tensors = file.tensors.map((t) => t.name).filter((n) => n.startsWith('emb['));
  return analyzeTableFile(file, { tensors, mode, fieldNames: tensors.map((n) => n.replace(/^emb\[field=(.*)\]$/, '$1')) });
}

function worstGap(a: AnalysisResult, b: AnalysisResult): { spectrum: number; ia: number } {
  let spectrum = 0;
  let ia = 0;
  for (const f of a.fields) {
    const g = b.fields.find((x) => x.name === f.name)!;
    const top = f.singular_values[0];
    f.singular_values.forEach((s, i) => (spectrum = Math.max(spectrum, Math.abs(s - g.singular_values[i]) / top)));
    ia = Math.max(ia, Math.abs(f.information_abundance - g.information_abundance) / f.information_abundance);
  }
  return { spectrum, ia };
}

describe('generated DuckDB SQL on a Parquet fixture', () => {
  for (const format of ['csv', 'json'] as const) {
    test(`its ${format} result gives the direct analysis's spectrum in every recipe (to ${TOL} of s_1)`, async () => {
      const sql = warehouseSql({ dialect: 'duckdb', table: 'embeddings', embeddingColumn: 'emb', fieldColumn: 'field', dim: 16, normalised: true });
      const result = await readWarehouseResult(bytesByteSource(await runSaved(sql, format), `result.${format}`));
      expect(result.dim).toBe(16);
      expect(result.fields.map((f) => [f.name, f.rows, f.excludedRows])).toEqual([
        ['city', 37, 3],
        ['item_id', 600, 0],
        ['user_id', 400, 0],
      ]);
      for (const mode of MODES) {
        const want = await direct(mode);
        const got = analyzeWarehouseResult(result, mode);
        expect(got.fields.map((f) => [f.name, f.rows, f.excluded_rows])).toEqual(
          ['city', 'item_id', 'user_id'].map((n) => {
            const f = want.fields.find((x) => x.name === n)!;
            return [n, f.rows, f.excluded_rows];
          }),
        );
        const gap = worstGap(want, got);
        console.log(
          `duckdb ${format} ${mode}: worst |s_i - s_i'| / s_1 = ${gap.spectrum.toExponential(2)}, worst IA relative gap = ${gap.ia.toExponential(2)}`,
        );
        expect(gap.spectrum).toBeLessThan(TOL);
        expect(gap.ia).toBeLessThan(TOL);
      }
    });
  }

  test('the collapsed field keeps its small singular values (what a float32 Gram would lose)', async () => {
    const sql = warehouseSql({ dialect: 'duckdb', table: 'embeddings', embeddingColumn: 'emb', fieldColumn: 'field', dim: 16, normalised: false });
    const result = await readWarehouseResult(bytesByteSource(await runSaved(sql, 'csv'), 'result.csv'));
    expect(result.normalised).toBe(false);
    const got = analyzeWarehouseResult(result, 'raw').fields.find((f) => f.name === 'item_id')!;
    const want = (await direct('raw')).fields.find((f) => f.name === 'item_id')!;
    const tail = got.singular_values.length - 1;
    // s_16 / s_1 is ~1e-5 (the 1e-3 noise); it matches to 1e-6 of itself.
    expect(want.singular_values[tail] / want.singular_values[0]).toBeLessThan(1e-3);
    expect(Math.abs(got.singular_values[tail] - want.singular_values[tail]) / want.singular_values[tail]).toBeLessThan(1e-6);
    expect(() => analyzeWarehouseResult(result, 'recscope')).toThrow(/--normalised/);
  });

  test('NULL arrays, NULL / NaN / Inf elements are counted as excluded; arrays of another length are refused', async () => {
    await con.run(`CREATE OR REPLACE TABLE odd AS SELECT * FROM (VALUES
      ('a', [1, 2]::DOUBLE[]), ('a', [3, 5]::DOUBLE[]), ('a', NULL), ('a', [1, NULL]::DOUBLE[]), ('a', ['NaN'::DOUBLE, 1]),
      ('a', ['-Infinity'::DOUBLE, 1]), ('a', []::DOUBLE[]), (NULL, [2, 0]::DOUBLE[]), (NULL, [0, 2]::DOUBLE[])) AS v(f, e)`);
    const sql = (dim: number) => warehouseSql({ dialect: 'duckdb', table: 'odd', embeddingColumn: 'e', fieldColumn: 'f', dim, normalised: true });
    const result = await readWarehouseResult(bytesByteSource(await runSaved(sql(2), 'csv'), 'odd.csv'));
    const a = result.fields.find((f) => f.name === 'a')!;
    expect([a.rows, a.excludedRows]).toEqual([2, 5]);
    expect([...a.gram]).toEqual([10, 17, 17, 29]);
    expect([...a.colSum]).toEqual([4, 7]);
    expect(result.fields.find((f) => f.name === '(null)')!.rows).toBe(2);
    await expect(readWarehouseResult(bytesByteSource(await runSaved(sql(3), 'csv'), 'odd.csv'))).rejects.toThrow(/whose array is not as long as the SQL's K/);
  });

  test('results of two partitions, merged as partial Grams, give the whole table’s analysis', async () => {
    await con.run(`CREATE OR REPLACE VIEW part_a AS SELECT * FROM embeddings WHERE hash(emb) % 2 = 0`);
    await con.run(`CREATE OR REPLACE VIEW part_b AS SELECT * FROM embeddings WHERE hash(emb) % 2 = 1`);
    const sql = (table: string) => warehouseSql({ dialect: 'duckdb', table, embeddingColumn: 'emb', fieldColumn: 'field', dim: 16, normalised: true });
    const part = async (table: string) => warehousePartialGram(await readWarehouseResult(bytesByteSource(await runSaved(sql(table), 'csv'), `${table}.csv`)));
    const merged = mergePartialGrams([await part('part_a'), await part('part_b')]);
    const whole = await readWarehouseResult(bytesByteSource(await runSaved(sql('embeddings'), 'csv'), 'whole.csv'));
    for (const mode of MODES) {
      const gap = worstGap(analyzeWarehouseResult(whole, mode), analyzePartialGram(merged, mode));
      expect(gap.spectrum).toBeLessThan(1e-12);
      expect(gap.ia).toBeLessThan(1e-12);
    }
    expect(merged.fields.map((f) => f.rows)).toEqual([37, 600, 400]);
  });

  test('without a field column the whole table is one field named after the column', async () => {
    const sql = warehouseSql({ dialect: 'duckdb', table: 'embeddings', embeddingColumn: 'emb', dim: 16, normalised: true });
    const result = await readWarehouseResult(bytesByteSource(await runSaved(sql, 'csv'), 'all.csv'));
    expect(result.fields.map((f) => [f.name, f.rows, f.excludedRows])).toEqual([['emb', 1037, 3]]);
  });
});
