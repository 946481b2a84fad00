/** The data behind the training and analysis charts as CSV tables, in the order the charts draw it. */
import type { FieldSpectrum } from '../analysis/collapseVerdict.ts';
import { rawIaOrder, type InteractionMatrix } from '../charts/interactionMatrix.ts';
import type { LineSeries } from '../charts/metricLines.ts';
import type { CsvTable } from '../data/csv.ts';
import type { CheckpointCorrelation } from '../analysis/checkpointCorrelation.ts';

/** Long format: one row per (series, point); with spreadName, the error bar's half-height too (0 when none). */
export function seriesTable(series: readonly LineSeries[], xName: string, yName: string, spreadName?: string): CsvTable {
  return {
    header: ['series', xName, yName, ...(spreadName ? [spreadName] : [])],
    rows: series.flatMap((s) => s.points.map((p) => [s.label, p.x, p.y, ...(spreadName ? [p.spread ?? 0] : [])])),
  };
}

/** The interaction matrix in display order (raw IA ascending): the row field, its raw IA, then one column per field. */
export function interactionTable(m: Pick<InteractionMatrix, 'fields' | 'ia' | 'rawIa'>): CsvTable {
  const order = rawIaOrder(m);
  return {
    header: ['field (raw IA ascending)', 'raw_ia', ...order.map((j) => m.fields[j])],
    rows: order.map((i) => [m.fields[i], m.rawIa[i], ...order.map((j) => m.ia[i][j])]),
  };
}

/** One row per field and singular value index: s_i / s_1. */
export function spectrumTable(fields: readonly FieldSpectrum[]): CsvTable {
  return {
    header: ['field', 'index', 's_over_s1'],
    rows: fields.flatMap((f) => f.normalized_spectrum.map((v, i) => [f.name, i + 1, v])),
  };
}

/** A checkpoint's learned correlation, long format: one row per (target, behaviour category, position). */
export function correlationTable(c: Pick<CheckpointCorrelation, 'categories' | 'positions' | 'maps'>): CsvTable {
  const n = c.categories.length;
  return {
    header: ['target_category', 'behaviour_category', 'position', 'learned_correlation'],
    rows: c.maps.flatMap((m, t) =>
      Array.from({ length: n * c.positions }, (_, k) => [c.categories[t], c.categories[Math.floor(k / c.positions)], (k % c.positions) + 1, m[k]]),
    ),
  };
}
