/**
 * Makes the warehouse route's Parquet fixtures with DuckDB itself (`npx tsx test/warehouse/makeFixtures.ts`):
 * fields.parquet, a table (field VARCHAR, emb FLOAT[16]) whose embeddings come from a seeded PRNG, so the
 * file is reproducible. Fields: item_id (600 rows, rank 3 plus 1e-3 noise and an offset: collapsed, small
 * singular values that a float32 Gram would lose; one all-zero row), user_id (400 rows, full rank with
 * unequal column scales), city (40 rows, two holding NaN and one +Inf: excluded). Rows are sorted by field,
 * as the studio's Parquet reader groups them.
 * Also result.csv and result.json: the generated DuckDB SQL's result on fields.parquet (K = 16, with the
 * normalised Gram), saved as DuckDB's COPY writes CSV (with a header) and JSON (one object per line):
 * what a user brings back from the warehouse (fuzz seeds, the e2e drop, the CLI test).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { warehouseSql } from '../../src/analysis/warehouseSql.ts';
import { createRng } from '../../src/data/ctr/prng.ts';

const K = 16;
const out = new URL('./fields.parquet', import.meta.url).pathname;
const rng = createRng(18);

function vector(values: number[]): string {
  // Math.fround: the literal is the float32 the column stores, so nothing rounds twice.
  return `[${values.map((v) => (Number.isNaN(v) ? "'NaN'::FLOAT" : v === Infinity ? "'Infinity'::FLOAT" : `${Math.fround(v)}::FLOAT`)).join(', ')}]`;
}

const rows: string[] = [];
const basis = Array.from({ length: 3 }, () => Array.from({ length: K }, () => rng.normal()));
for (let r = 0; r < 600; r++) {
  const c = basis.map(() => rng.normal());
  const v = Array.from({ length: K }, (_, j) =>
    r === 17 ? 0 : 0.5 + c[0] * basis[0][j] + 0.3 * c[1] * basis[1][j] + 0.05 * c[2] * basis[2][j] + 1e-3 * rng.normal(),
  );
  rows.push(`('item_id', ${vector(v)})`);
}
for (let r = 0; r < 400; r++) rows.push(`('user_id', ${vector(Array.from({ length: K }, (_, j) => rng.normal() / (1 + j)))})`);
for (let r = 0; r < 40; r++) {
  const v = Array.from({ length: K }, () => rng.normal() * 2);
  if (r === 3 || r === 30) v[5] = NaN;
  if (r === 11) v[0] = Infinity;
  rows.push(`('city', ${vector(v)})`);
}

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`CREATE TABLE t (field VARCHAR, emb FLOAT[])`);
await con.run(`INSERT INTO t VALUES ${rows.join(',\n')}`);
await con.run(`COPY (SELECT field, emb FROM t ORDER BY field) TO '${out}' (FORMAT PARQUET)`);
console.log(`wrote ${out}: ${rows.length} rows, K = ${K}`);
const sql = warehouseSql({ dialect: 'duckdb', table: 'embeddings', embeddingColumn: 'emb', fieldColumn: 'field', dim: K, normalised: true });
await con.run(`CREATE VIEW embeddings AS SELECT * FROM read_parquet('${out}')`);
for (const [name, format] of [
  ['result.csv', 'CSV, HEADER'],
  ['result.json', 'JSON'],
]) {
  const path = new URL(`./${name}`, import.meta.url).pathname;
  await con.run(`COPY (${sql.trim().replace(/;$/, '')}) TO '${path}' (FORMAT ${format})`);
  console.log(`wrote ${path}`);
}
