/** Each multi-task chart's data as a CSV table (one header, plain numbers) for download. */
import type { MtlRun } from '../../state/multitaskSlice.ts';
import type { MtlConflictResult, MtlTaskMetrics } from '../../workers/multitaskProtocol.ts';
import type { MtlArm } from '../../contracts/multitaskConfig.ts';
import type { CsvTable } from '../../data/csv.ts';

const ARMS: readonly MtlArm[] = ['adam', 'alt'];

const lastSnapshot = (run: MtlRun) => run.snapshots[run.snapshots.length - 1];

/** Latest mean rAU and argmax share per optimiser, layer and task. */
export function dominanceTable(run: MtlRun, labels: Record<MtlArm, string>): CsvTable {
  const s = lastSnapshot(run);
  const rows = s
    ? ARMS.flatMap((arm) =>
        s.arms[arm].dominance.flatMap((l) => run.tasks.map((t, k) => [labels[arm], l.layer, t, l.meanRau[k], l.argmaxShare[k], l.parameters])),
      )
    : [];
  return { header: ['optimizer', 'layer', 'task', 'mean_rau', 'argmax_share', 'parameters'], rows };
}

/** Mean rAU per step, optimiser, layer and task. */
export function rauOverStepsTable(run: MtlRun, labels: Record<MtlArm, string>): CsvTable {
  const rows = run.snapshots.flatMap((s) =>
    ARMS.flatMap((arm) => s.arms[arm].dominance.flatMap((l) => run.tasks.map((t, k) => [s.step, labels[arm], l.layer, t, l.meanRau[k]]))),
  );
  return { header: ['step', 'optimizer', 'layer', 'task', 'mean_rau'], rows };
}

/** Latest per-parameter rAU histogram counts per optimiser, layer, task and bin. */
export function rauHistogramTable(run: MtlRun, labels: Record<MtlArm, string>): CsvTable {
  const s = lastSnapshot(run);
  const rows = s
    ? ARMS.flatMap((arm) =>
        s.arms[arm].dominance.flatMap((l) =>
          run.tasks.flatMap((t, k) => (l.histogram[k] ?? []).map((c, b, all) => [labels[arm], l.layer, t, b / all.length, (b + 1) / all.length, c])),
        ),
      )
    : [];
  return { header: ['optimizer', 'layer', 'task', 'rau_from', 'rau_to', 'parameters'], rows };
}

export function cosineTable(run: MtlRun, labels: Record<MtlArm, string>): CsvTable {
  const s = lastSnapshot(run);
  const T = run.tasks.length;
  const rows = s
    ? ARMS.flatMap((arm) =>
        s.arms[arm].cosine.flatMap((l) => l.cosine.map((v, i) => [s.step, labels[arm], l.layer, run.tasks[Math.floor(i / T)], run.tasks[i % T], v])),
      )
    : [];
  return { header: ['step', 'optimizer', 'layer', 'task_a', 'task_b', 'cosine'], rows };
}

export function entanglementTable(run: MtlRun, labels: Record<MtlArm, string>): CsvTable {
  const rows = run.snapshots.flatMap((s) => ARMS.flatMap((arm) => s.arms[arm].entanglement.map((v, f) => [s.step, labels[arm], run.fields[f], v])));
  return { header: ['step', 'optimizer', 'field', 'cosine'], rows };
}

export function metricsTable(run: MtlRun, labels: Record<MtlArm, string>): CsvTable {
  const row = (step: number, subset: string, arm: MtlArm, m: MtlTaskMetrics) => [
    step,
    subset,
    labels[arm],
    m.task,
    m.auc,
    m.logloss,
    m.gauc,
    m.rows,
    m.positives,
  ];
  const rows = run.metrics.flatMap((p) =>
    ARMS.flatMap((arm) => [...p.all[arm].map((m) => row(p.step, 'all', arm, m)), ...p.comparable[arm].map((m) => row(p.step, 'comparable', arm, m))]),
  );
  return { header: ['step', 'samples', 'optimizer', 'task', 'auc', 'logloss', 'gauc', 'rows', 'positives'], rows };
}

export function distanceTable(r: MtlConflictResult): CsvTable {
  const rows = r.models.flatMap((m) =>
    ([m.histogramA, m.histogramB] as const).flatMap((h, c) =>
      h.conflict.map((n, b) => [m.name, r.tasks[c], m.tables[c], h.edges[b], h.edges[b + 1], h.band[b], n, h.other[b]]),
    ),
  );
  return { header: ['model', 'task', 'table', 'distance_from', 'distance_to', 'band', 'conflict_pairs', 'other_pairs'], rows };
}

export function jointTable(r: MtlConflictResult): CsvTable {
  const rows = r.models.flatMap((m) => {
    const n = m.joint.bins;
    return m.joint.counts.flatMap((c, i) => (c > 0 ? [[m.name, m.joint.xEdges[i % n], m.joint.yEdges[Math.floor(i / n)], c]] : []));
  });
  return { header: ['model', `d_${r.tasks[0]}_from`, `d_${r.tasks[1]}_from`, 'conflict_pairs'], rows };
}
