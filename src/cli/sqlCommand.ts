import { parseArgs } from 'node:util';
import { SQL_DIALECTS, warehouseRequestProblem, warehouseSql, type SqlDialect, type WarehouseSqlRequest } from '../analysis/warehouseSql.ts';
import { UsageError } from './parseCliArgs.ts';

const SQL_OPTIONS = {
  dialect: { type: 'string' },
  table: { type: 'string' },
  'embedding-column': { type: 'string' },
  'field-column': { type: 'string' },
  dim: { type: 'string' },
  normalised: { type: 'boolean' },
  normalized: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `reclens sql --dialect D --table T --embedding-column E [--field-column F] --dim K [--normalised]`:
 * the request for the warehouse SQL, or 'help'. Throws UsageError for a missing or bad option.
 */
export function parseSqlArgs(argv: string[]): WarehouseSqlRequest | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: SQL_OPTIONS });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const missing = (['dialect', 'table', 'embedding-column', 'dim'] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new UsageError(`sql needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const dialect = values.dialect!;
  if (!(SQL_DIALECTS as readonly string[]).includes(dialect)) throw new UsageError(`--dialect must be one of ${SQL_DIALECTS.join(', ')}, got "${dialect}"`);
  const dim = /^\d+$/.test(values.dim!.trim()) ? Number(values.dim) : NaN;
  const request: WarehouseSqlRequest = {
    dialect: dialect as SqlDialect,
    table: values.table!,
    embeddingColumn: values['embedding-column']!,
    ...(values['field-column'] === undefined ? {} : { fieldColumn: values['field-column'] }),
    dim,
    normalised: (values.normalised ?? false) || (values.normalized ?? false),
  };
  const problem = warehouseRequestProblem(request);
  if (problem) throw new UsageError(problem.replace(/^the dimension/, '--dim'));
  return request;
}

/** The SQL text of `reclens sql`, or 'help'. */
export function sqlCommandText(argv: string[]): string | 'help' {
  const request = parseSqlArgs(argv);
  return request === 'help' ? 'help' : warehouseSql(request);
}
