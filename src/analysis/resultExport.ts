import type { AnalysisResult } from '../contracts/tables.ts';
import { csvField } from '../data/csv.ts';

/**
 * The stable JSON schema: { source, options, fields: [{ name, rows, dim, singular_values,
 * normalized_spectrum, information_abundance, effective_rank, excluded_rows }] }, keys in this
 * order whatever object the result came from.
 */
export function resultToJSON(result: AnalysisResult): string {
  const { mode, field_dims, tensors } = result.options;
  const doc = {
    source: result.source,
    options: { mode, ...(field_dims ? { field_dims } : {}), ...(tensors ? { tensors } : {}) },
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
 * excluded_rows, then s_1..s_K (normalised spectrum; K the largest dim, shorter rows left
 * empty). RFC 4180: CRLF line ends, fields with comma, quote or line break quoted.
 */
export function resultToCSV(result: AnalysisResult): string {
  const k = Math.max(0, ...result.fields.map((f) => f.dim));
  const header = ['name', 'rows', 'dim', 'information_abundance', 'ia_over_dim', 'effective_rank', 'excluded_rows'];
  for (let i = 1; i <= k; i++) header.push(`s_${i}`);
  const lines = [header.join(',')];
  for (const f of result.fields) {
    const cells = [
      csvField(f.name),
      String(f.rows),
      String(f.dim),
      String(f.information_abundance),
      String(f.information_abundance / f.dim),
      String(f.effective_rank),
      String(f.excluded_rows),
    ];
    for (let i = 0; i < k; i++) cells.push(i < f.normalized_spectrum.length ? String(f.normalized_spectrum[i]) : '');
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
