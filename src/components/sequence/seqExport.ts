/** Each sequence chart's data as a CSV table (one header, plain numbers) for download. */
import type { CsvTable } from '../../data/csv.ts';
import type { SeqLine, SweepPoint } from '../../state/sequenceReading.ts';
import type { SeqRun } from '../../state/sequenceSlice.ts';
import type { SeqGradientConflict, SeqGroundTruth } from '../../workers/sequenceProtocol.ts';

/** Ground truth (bits) and each model's learned correlation (min-max), per target, behaviour category and position. */
export function correlationTable(
  truth: SeqGroundTruth,
  models: readonly { label: string; learned: readonly number[][]; spearman: readonly number[] }[],
): CsvTable {
  const N = truth.categories.length;
  const P = truth.positions;
  const rows = truth.targets.flatMap((t, ti) =>
    Array.from({ length: N * P }, (_, k) => [
      t.category,
      truth.categories[Math.floor(k / P)],
      (k % P) + 1,
      t.mi[k],
      ...models.flatMap((m) => [m.learned[ti]?.[k] ?? NaN, m.spearman[ti] ?? NaN]),
    ]),
  );
  return {
    header: [
      'target_category',
      'behaviour_category',
      'position',
      'ground_truth_mi_bits',
      ...models.flatMap((m) => [`${m.label} learned`, `${m.label} spearman`]),
    ],
    rows,
  };
}

/** Lines as long rows: series, step (or x), value, sd over seeds. */
export function linesTable(lines: readonly SeqLine[], x = 'step', y = 'value'): CsvTable {
  return { header: ['series', x, y, 'sd_over_seeds'], rows: lines.flatMap((l) => l.points.map((p) => [l.label, p.x, p.y, p.spread ?? NaN])) };
}

export function histogramTable(model: string, g: SeqGradientConflict): CsvTable {
  return { header: ['model', 'cos_from', 'cos_to', 'rows'], rows: g.counts.map((c, b) => [model, g.edges[b], g.edges[b + 1], c]) };
}

export function categoryConflictTable(model: string, g: SeqGradientConflict): CsvTable {
  return { header: ['model', 'category', 'mean_cosine', 'rows'], rows: g.perCategory.map((c) => [model, c.category, c.meanCosine, c.rows]) };
}

export function sweepTable(points: readonly SweepPoint[]): CsvTable {
  return {
    header: ['model', 'attention_dim', 'search_ms_per_batch', 'test_auc', 'test_auc_sd', 'seeds'],
    rows: points.map((p) => [p.label, p.attentionDim, p.searchMs, p.auc, p.aucSd, p.seeds]),
  };
}

/** Every compared run's test metrics over training. */
export function runsTable(runs: readonly SeqRun[]): CsvTable {
  return {
    header: ['run', 'model', 'attention_dim', 'seed', 'step', 'auc', 'logloss', 'gauc'],
    rows: runs.flatMap((r) =>
      r.metrics.map((m) => [r.label, r.form.model, r.form.model === 'dare' ? r.form.attentionDim : r.form.dim, r.form.seed, m.step, m.auc, m.logloss, m.gauc]),
    ),
  };
}
