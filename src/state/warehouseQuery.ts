import { warehouseRequestProblem, warehouseSql, type SqlDialect, type WarehouseSqlRequest } from '../analysis/warehouseSql.ts';

/** The warehouse panel's form, as typed. */
export interface WarehouseForm {
  dialect: SqlDialect;
  table: string;
  embeddingColumn: string;
  /** Blank: the whole table is one field. */
  fieldColumn: string;
  dimText: string;
  normalised: boolean;
}

/** What the panel shows for a form: the SQL to run where the table lives, or why there is none (sentence case, full stop). */
export type WarehouseQuery = { sql: string; problem: null } | { sql: ''; problem: string };

/** The form read as a request and its SQL (docs/warehouse.md): a selector, so the view only draws it. */
export function warehouseQuery(form: WarehouseForm): WarehouseQuery {
  const fieldColumn = form.fieldColumn.trim();
  const request: WarehouseSqlRequest = {
    dialect: form.dialect,
    table: form.table,
    embeddingColumn: form.embeddingColumn,
    ...(fieldColumn ? { fieldColumn } : {}),
    dim: Number(form.dimText),
    normalised: form.normalised,
  };
  const problem = warehouseRequestProblem(request);
  return problem ? { sql: '', problem: `${problem[0].toUpperCase()}${problem.slice(1)}.` } : { sql: warehouseSql(request), problem: null };
}
