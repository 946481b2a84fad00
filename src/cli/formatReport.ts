import type { AnalysisResult, SpectrumMode } from '../contracts/tables.ts';
import { setFieldGrid } from '../analysis/setFieldGrid.ts';
import { sparkline } from './sparkline.ts';

export const RECIPES: Record<SpectrumMode, string> = {
  recscope: 'recscope: rows L2-normalised e/(||e||+1e-8), no centering (RecScope, Pan et al. 2024)',
  raw: 'raw: rows as stored, no normalisation, no centering',
  centered: 'centered: column means subtracted, no row normalisation',
};

/** The human report: recipe, a table of fields sorted by rows ascending, and one spectrum line per field. */
export function formatReport(result: AnalysisResult): string {
  const fields = [...result.fields].sort((a, b) => a.rows - b.rows);
  const header = ['field', 'rows', 'dim', 'IA', 'IA/K', 'eff.rank', 'excluded'];
  const rows = fields.map((f) => [
    f.name,
    String(f.rows),
    String(f.dim),
    f.information_abundance.toFixed(3),
    (f.information_abundance / f.dim).toFixed(3),
    f.effective_rank.toFixed(2),
    String(f.excluded_rows),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // names left-aligned, numbers right-aligned
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const nameWidth = widths[0];
  const lines = [
    `${result.source}`,
    `recipe: ${RECIPES[result.options.mode]}`,
    ...(result.options.field_dims ? [`field_dims: ${result.options.field_dims.join(',')}`] : []),
    '',
    line(header),
    ...rows.map(line),
    '',
    'normalised spectrum s_i/s_1, i = 1..K (█ = 1, ▁ = small, · = 0):',
    ...fields.map((f) => `${f.name.padEnd(nameWidth)}  ${sparkline(f.normalized_spectrum)}`),
    ...setsByFields(result),
  ];
  return lines.join('\n') + '\n';
}

/** Multi-embedding sets split alike: IA/K per set (rows) and field (columns), the comparison the paper draws. */
function setsByFields(result: AnalysisResult): string[] {
  const grid = setFieldGrid(result);
  if (!grid) return [];
  const head = ['IA/K', ...grid.fields];
  const rows = grid.sets.map((set, s) => [set, ...grid.cells[s].map((f) => (f.information_abundance / f.dim).toFixed(3))]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return ['', `sets x fields (${grid.sets.length} embedding sets, one field split):`, line(head), ...rows.map(line)];
}
