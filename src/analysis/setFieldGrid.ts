import type { AnalysisResult, FieldResult } from '../contracts/tables.ts';

/** A multi-embedding result laid out as sets x fields: cells[s][f] is field f of set s. */
export interface SetFieldGrid {
  sets: string[];
  fields: string[];
  cells: FieldResult[][];
}

/**
 * The sets x fields view of a result whose field_dims split several embedding sets the same way
 * (fields are set-major, named "<set> / <field>"); undefined for any other result.
 */
export function setFieldGrid(result: AnalysisResult): SetFieldGrid | undefined {
  const { sets, field_dims: dims } = result.options;
  if (!sets || !dims || sets.length < 2 || result.fields.length !== sets.length * dims.length) return undefined;
  const cells = sets.map((_, s) => result.fields.slice(s * dims.length, (s + 1) * dims.length));
  const prefix = `${sets[0]} / `;
  const fields = cells[0].map((f) => (f.name.startsWith(prefix) ? f.name.slice(prefix.length) : f.name));
  return { sets: [...sets], fields, cells };
}

/** One set's fields named by field alone, for the per-set heatmaps. */
export function setFields(grid: SetFieldGrid, set: number): FieldResult[] {
  return grid.cells[set].map((f, i) => ({ ...f, name: grid.fields[i] }));
}
