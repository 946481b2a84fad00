import type { AnalysisResult } from '../contracts/tables.ts';
import { csvField } from '../data/csv.ts';

/**
 * The stable JSON schema: { source, options, fields: [{ name, rows, dim, singular_values,
 * normalized_spectrum, information_abundance, effective_rank, excluded_rows }] }, keys in this
 * order whatever object the result came from.
 */
export function resultToJSON(result: AnalysisResult): string {
  const { mode, field_dims, tensors, sets } = result.options;
  const doc = {
    source: result.source,
    options: { mode, ...(field_dims ? { field_dims } : {}), ...(tensors ? { tensors } : {}), ...(sets ? { sets } : {}) },
    fields: result.fields.map((f) => ({
      name: f.name,
      rows: f.rows,
      dim: f.dim,
      singular_values: f.singular_values,
      normalized_spectrum: f.normalized_spectrum,
      information_abundance: f.information_abundance,
      effective_rank: f.effective_rank,
      excluded_rows: f.excluded_rows,
    })),
  };
  return JSON.stringify(doc, null, 2);
}

/**
 * One CSV row per field: name, rows, dim, information_abundance, ia_over_dim, effective_rank,
 * excluded_rows, then normalized_spectrum_1..K (s_i / s_1, zero-padded to the field's dim) and
 * singular_value_1..K (s_i of the rows as analysed, min(rows, dim) of them), K the largest dim;
 * cells past a field's own length are left empty. The names are the JSON schema's keys.
 * RFC 4180: CRLF line ends, fields with comma, quote or line break quoted.
 */
export function resultToCSV(result: AnalysisResult): string {
  const k = Math.max(0, ...result.fields.map((f) => f.dim));
  const header = ['name', 'rows', 'dim', 'information_abundance', 'ia_over_dim', 'effective_rank', 'excluded_rows'];
  for (let i = 1; i <= k; i++) header.push(`normalized_spectrum_${i}`);
  for (let i = 1; i <= k; i++) header.push(`singular_value_${i}`);
  const lines = [header.join(',')];
  const padded = (values: readonly number[]) => Array.from({ length: k }, (_, i) => (i < values.length ? String(values[i]) : ''));
  for (const f of result.fields) {
    const cells = [
      csvField(f.name),
      String(f.rows),
      String(f.dim),
      String(f.information_abundance),
      String(f.information_abundance / f.dim),
      String(f.effective_rank),
      String(f.excluded_rows),
      ...padded(f.normalized_spectrum),
      ...padded(f.singular_values),
    ];
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
