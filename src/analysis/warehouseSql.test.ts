import { describe, expect, test } from 'vitest';
import { SQL_DIALECTS, warehouseRequestProblem, warehouseSql, type WarehouseSqlRequest } from './warehouseSql.ts';

const base: WarehouseSqlRequest = { dialect: 'duckdb', table: 'shop.item_embeddings', embeddingColumn: 'emb', fieldColumn: 'field', dim: 3, normalised: true };

describe('warehouseSql', () => {
  // Golden text per dialect: a change to the SQL shows in review. DuckDB's is also run for real (test/warehouse/duckdb.test.ts).
  for (const dialect of SQL_DIALECTS) {
    test(`${dialect}: the generated text matches its golden file`, async () => {
      await expect(warehouseSql({ ...base, dialect })).toMatchFileSnapshot(`../../test/warehouse/golden/${dialect}.sql`);
    });
  }

  test('array indexing follows each dialect: 1-based in DuckDB and Trino, 0-based in Spark, OFFSET in BigQuery', () => {
    expect(warehouseSql({ ...base, dialect: 'duckdb' })).toContain('SUM(x * CAST(e[1] AS DOUBLE))');
    expect(warehouseSql({ ...base, dialect: 'trino' })).toContain('SUM(x * CAST(e[1] AS DOUBLE))');
    expect(warehouseSql({ ...base, dialect: 'spark' })).toContain('SUM(x * CAST(e[0] AS DOUBLE))');
    expect(warehouseSql({ ...base, dialect: 'spark' })).toContain('CAST(e[i - 1] AS DOUBLE)');
    expect(warehouseSql({ ...base, dialect: 'bigquery' })).toContain('SUM(x * CAST(e[OFFSET(0)] AS FLOAT64))');
    expect(warehouseSql({ ...base, dialect: 'bigquery' })).toContain('CAST(e[OFFSET(i - 1)] AS FLOAT64)');
  });

  test('names are quoted per dialect, part by part', () => {
    expect(warehouseSql({ ...base, dialect: 'bigquery', table: 'my-project.ds.t' })).toContain('FROM `my-project`.`ds`.`t`');
    expect(warehouseSql({ ...base, dialect: 'trino', table: 'hive.default.t' })).toContain('FROM "hive"."default"."t"');
  });

  test('K sums per exploded row: the SQL grows as K, not K^2', () => {
    const small = warehouseSql({ ...base, dim: 64 }).length;
    const large = warehouseSql({ ...base, dim: 256 }).length;
    expect(large / small).toBeLessThan(4.5);
    expect(warehouseSql({ ...base, dim: 1024 }).length).toBeLessThan(200_000);
  });

  test('without --normalised there is no ngram; without a field column the field is the column name', () => {
    const sql = warehouseSql({ ...base, normalised: false, fieldColumn: undefined });
    expect(sql).not.toContain('ngram');
    expect(sql).toContain(`SELECT 'emb' AS field`);
  });

  test('names that could inject SQL, bad dims and unknown dialects are refused with a sentence', () => {
    expect(warehouseRequestProblem({ ...base, table: 't; DROP TABLE x' })).toMatch(/may hold only letters/);
    expect(warehouseRequestProblem({ ...base, embeddingColumn: 'e"' })).toMatch(/embedding column/);
    expect(warehouseRequestProblem({ ...base, fieldColumn: "f'" })).toMatch(/field column/);
    expect(warehouseRequestProblem({ ...base, table: 'a..b' })).toMatch(/dots between/);
    expect(warehouseRequestProblem({ ...base, dim: 0 })).toMatch(/from 1 to 4096/);
    expect(warehouseRequestProblem({ ...base, dim: 2.5 })).toMatch(/whole number/);
    expect(warehouseRequestProblem({ ...base, dialect: 'mysql' as never })).toMatch(/unknown dialect/);
    expect(() => warehouseSql({ ...base, table: '' })).toThrow(RangeError);
    expect(warehouseRequestProblem(base)).toBeNull();
  });
});
