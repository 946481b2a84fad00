/**
 * The SQL that computes each field's Gram inside a warehouse (the warehouse route, issue 18): for a
 * table with an embedding array column and a field column, one pass sums per field the row count,
 * the column sums and the K x K Gram sum(e_i e_j) in DOUBLE, and, when asked, the Gram of the
 * rows normalised as RecScope does (e / (||e||_2 + 1e-8)). Only K x K numbers leave the engine.
 *
 * The result is long form, one number per row: (field, stat, i, j, value), i and j 1-based in every
 * dialect, stat one of
 *   rows          i = j = 0: rows summed (array of length K, every element finite)
 *   excluded      i = j = 0: rows left out: NULL or empty array, or a NULL / NaN / Inf element
 *   wrong_length  i = j = 0: arrays of another length than K (the reader refuses the result)
 *   sum           j = 0: the column sum of element i
 *   gram          j >= i: sum over rows of e_i * e_j
 *   ngram         j >= i: the same over the row-normalised rows (only with `normalised`)
 * docs/warehouse.md says how to run it with each engine's CLI and save the result as CSV or JSON.
 *
 * Per row the engine explodes the array over i = 1..K and sums x_i * e_j for the K values of j
 * in one GROUP BY (field, i): the SQL grows as K, not K^2, so K = 1024 stays a few hundred KB.
 */

export type SqlDialect = 'duckdb' | 'spark' | 'bigquery' | 'trino';
export const SQL_DIALECTS: readonly SqlDialect[] = ['duckdb', 'spark', 'bigquery', 'trino'];

/** The name of the result format, written in the SQL's first line and checked by nothing: for people. */
export const WAREHOUSE_FORMAT = 'reclens-warehouse-gram/1';

export interface WarehouseSqlRequest {
  dialect: SqlDialect;
  /** The table, optionally qualified: db.table, project.dataset.table, catalog.schema.table. */
  table: string;
  /** The embedding column: an array of K numbers per row. */
  embeddingColumn: string;
  /** The column whose values name the fields; without it the whole table is one field named after the embedding column. */
  fieldColumn?: string;
  /** K, the length of every embedding array. */
  dim: number;
  /** Also the Gram of the row-normalised rows (the RecScope recipe, the studio's default). */
  normalised: boolean;
}

/** The widest K the SQL is generated for (the analysis's own ceiling). */
export const MAX_SQL_DIM = 4096;

/** What differs between engines: quoting, types, array functions and indexing. */
interface Dialect {
  quote(part: string): string;
  double: string;
  string: string;
  /** Length of array e. */
  length(e: string): string;
  /** TRUE when every element of e is non-NULL and finite. */
  allFinite(e: string): string;
  /** sum of x * x over the elements of e, in DOUBLE. */
  sumSquares(e: string): string;
  /** Element at 1-based position `i` (an integer expression or literal). */
  at(e: string, i: string): string;
  /** A one-column query of i = 1..k. */
  series(k: number): string;
  /** An array literal of expressions. */
  array(items: string[]): string;
}

const DIALECTS: Record<SqlDialect, Dialect> = {
  duckdb: {
    quote: (p) => `"${p}"`,
    double: 'DOUBLE',
    string: 'VARCHAR',
    length: (e) => `len(${e})`,
    allFinite: (e) => `list_bool_and(list_transform(${e}, x -> x IS NOT NULL AND isfinite(x)))`,
    sumSquares: (e) => `list_sum(list_transform(${e}, x -> CAST(x AS DOUBLE) * CAST(x AS DOUBLE)))`,
    at: (e, i) => `${e}[${i}]`,
    series: (k) => `SELECT i FROM range(1, ${k + 1}) AS r(i)`,
    array: (items) => `[${items.join(', ')}]`,
  },
  spark: {
    quote: (p) => `\`${p}\``,
    double: 'DOUBLE',
    string: 'STRING',
    length: (e) => `size(${e})`,
    allFinite: (e) => `forall(${e}, x -> x IS NOT NULL AND NOT isnan(x) AND abs(x) <> CAST('Infinity' AS DOUBLE))`,
    sumSquares: (e) => `aggregate(${e}, CAST(0 AS DOUBLE), (a, x) -> a + CAST(x AS DOUBLE) * CAST(x AS DOUBLE))`,
    // Spark's e[n] is 0-based (element_at is the 1-based form).
    at: (e, i) => `${e}[${/^\d+$/.test(i) ? String(Number(i) - 1) : `${i} - 1`}]`,
    series: (k) => `SELECT explode(sequence(1, ${k})) AS i`,
    array: (items) => `array(${items.join(', ')})`,
  },
  bigquery: {
    quote: (p) => `\`${p}\``,
    double: 'FLOAT64',
    string: 'STRING',
    length: (e) => `ARRAY_LENGTH(${e})`,
    allFinite: (e) => `(SELECT LOGICAL_AND(x IS NOT NULL AND NOT IS_NAN(x) AND NOT IS_INF(x)) FROM UNNEST(${e}) AS x)`,
    sumSquares: (e) => `(SELECT SUM(CAST(x AS FLOAT64) * CAST(x AS FLOAT64)) FROM UNNEST(${e}) AS x)`,
    at: (e, i) => `${e}[OFFSET(${/^\d+$/.test(i) ? String(Number(i) - 1) : `${i} - 1`})]`,
    series: (k) => `SELECT i FROM UNNEST(GENERATE_ARRAY(1, ${k})) AS i`,
    array: (items) => `[${items.join(', ')}]`,
  },
  trino: {
    quote: (p) => `"${p}"`,
    double: 'DOUBLE',
    string: 'VARCHAR',
    length: (e) => `cardinality(${e})`,
    allFinite: (e) => `all_match(${e}, x -> x IS NOT NULL AND is_finite(x))`,
    sumSquares: (e) => `reduce(${e}, CAST(0 AS DOUBLE), (a, x) -> a + CAST(x AS DOUBLE) * CAST(x AS DOUBLE), a -> a)`,
    at: (e, i) => `${e}[${i}]`,
    series: (k) => `SELECT i FROM UNNEST(sequence(1, ${k})) AS t(i)`,
    array: (items) => `ARRAY[${items.join(', ')}]`,
  },
};

/** One name part: letters, digits, _ and $ (and - for BigQuery project ids); no quotes, so nothing can be injected. */
const NAME_PART = /^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/;
const MAX_NAME = 300;

/** Why a request cannot become SQL, for the CLI and the panel to show; null when it can. */
export function warehouseRequestProblem(request: WarehouseSqlRequest): string | null {
  if (!SQL_DIALECTS.includes(request.dialect)) return `unknown dialect "${request.dialect}" (use ${SQL_DIALECTS.join(', ')})`;
  if (!Number.isInteger(request.dim) || request.dim < 1 || request.dim > MAX_SQL_DIM) {
    return `the dimension must be a whole number from 1 to ${MAX_SQL_DIM}, got ${String(request.dim)}`;
  }
  const table = nameProblem('table', request.table, true);
  if (table) return table;
  const embedding = nameProblem('embedding column', request.embeddingColumn, false);
  if (embedding) return embedding;
  if (request.fieldColumn !== undefined && request.fieldColumn !== '') return nameProblem('field column', request.fieldColumn, false);
  return null;
}

function nameProblem(what: string, name: string, qualified: boolean): string | null {
  if (name === '') return `the ${what} is empty`;
  if (name.length > MAX_NAME) return `the ${what} name is longer than ${MAX_NAME} characters`;
  const parts = qualified ? name.split('.') : [name];
  if (!parts.every((p) => NAME_PART.test(p))) {
    return `the ${what} "${name}" may hold only letters, digits, _, $ and -${qualified ? ', with dots between its parts' : ''} (it is quoted for you)`;
  }
  return null;
}

/** The SQL of a request; throws RangeError with warehouseRequestProblem's sentence for a bad one. */
export function warehouseSql(request: WarehouseSqlRequest): string {
  const problem = warehouseRequestProblem(request);
  if (problem) throw new RangeError(problem);
  const d = DIALECTS[request.dialect];
  const k = request.dim;
  const table = request.table
    .split('.')
    .map((p) => d.quote(p))
    .join('.');
  const fieldColumn = request.fieldColumn ? request.fieldColumn : undefined;
  const field = fieldColumn ? `COALESCE(CAST(${d.quote(fieldColumn)} AS ${d.string}), '(null)')` : `'${request.embeddingColumn}'`;
  const cast = (x: string) => `CAST(${x} AS ${d.double})`;
  const js = Array.from({ length: k }, (_, j) => String(j + 1));
  const gram = d.array(js.map((j) => `SUM(x * ${cast(d.at('e', j))})`));
  const ngram = d.array(js.map((j) => `SUM((x * inv) * (${cast(d.at('e', j))} * inv))`));
  const fieldNote = fieldColumn ? `field column ${fieldColumn}` : `no field column (one field, "${request.embeddingColumn}")`;
  const lines = [
    `-- RecLens ${WAREHOUSE_FORMAT} (${request.dialect}): per-field Grams of ${request.table}.${request.embeddingColumn}, K = ${k}, ${fieldNote}.`,
    `-- Returns long form (field, stat, i, j, value), only K x K numbers per field; save it as CSV (with its header) or JSON,`,
    `-- and open it with \`reclens analyze result.csv\` or the studio's Warehouse panel. See docs/warehouse.md.`,
    `WITH src AS (`,
    `  SELECT ${field} AS field, ${d.quote(request.embeddingColumn)} AS e`,
    `  FROM ${table}`,
    `),`,
    `checked AS (`,
    `  SELECT field, e, CASE`,
    `    WHEN e IS NULL OR ${d.length('e')} = 0 THEN 'excluded'`,
    `    WHEN ${d.length('e')} <> ${k} THEN 'wrong_length'`,
    `    WHEN ${d.allFinite('e')} THEN 'rows'`,
    `    ELSE 'excluded'`,
    `  END AS stat`,
    `  FROM src`,
    `),`,
    `idx AS (${d.series(k)}),`,
    `kept AS (`,
    `  SELECT field, e, 1 / (SQRT(${d.sumSquares('e')}) + 1e-8) AS inv`,
    `  FROM checked`,
    `  WHERE stat = 'rows'`,
    `),`,
    `cells AS (`,
    `  SELECT field, e, inv, i, ${cast(d.at('e', 'i'))} AS x`,
    `  FROM kept CROSS JOIN idx`,
    `),`,
    `sums AS (`,
    `  SELECT field, i, SUM(x) AS s,`,
    `    ${gram} AS g${request.normalised ? ',' : ''}`,
    ...(request.normalised ? [`    ${ngram} AS ng`] : []),
    `  FROM cells`,
    `  GROUP BY field, i`,
    `),`,
    `result AS (`,
    `  SELECT field, stat, 0 AS i, 0 AS j, ${cast('COUNT(*)')} AS value FROM checked GROUP BY field, stat`,
    `  UNION ALL SELECT field, 'sum' AS stat, i, 0 AS j, s AS value FROM sums`,
    `  UNION ALL SELECT field, 'gram' AS stat, i, j, ${d.at('g', 'j')} AS value FROM sums CROSS JOIN (SELECT i AS j FROM idx) AS jx WHERE j >= i`,
    ...(request.normalised
      ? [`  UNION ALL SELECT field, 'ngram' AS stat, i, j, ${d.at('ng', 'j')} AS value FROM sums CROSS JOIN (SELECT i AS j FROM idx) AS jx WHERE j >= i`]
      : []),
    `)`,
    `SELECT field, stat, i, j, value FROM result`,
    `ORDER BY field, stat, i, j;`,
    ``,
  ];
  return lines.join('\n');
}
