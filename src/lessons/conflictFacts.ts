import type { MtlConflictResult } from '../workers/multitaskProtocol.ts';

export interface ConflictFacts {
  tasks: [string, string];
  pairs: number;
  conflictPairs: number;
  steps: number;
  /** Share of conflict pairs STEM's task slices separate. */
  stem: number;
  /** The shared-table model that separates most, and its share. */
  bestShared: { name: string; separated: number };
}

/** STEM against the shared-embedding models in a finished conflict measure. */
export function conflictFacts(r: MtlConflictResult): ConflictFacts | null {
  const stem = r.models.find((m) => m.name === 'stem');
  const shared = r.models.filter((m) => m.tables[0] === 'shared' && m.name !== 'single-task' && Number.isFinite(m.separated));
  if (!stem || !Number.isFinite(stem.separated) || shared.length === 0 || r.conflictPairs === 0) return null;
  const best = shared.reduce((a, b) => (b.separated > a.separated ? b : a));
  return {
    tasks: r.tasks,
    pairs: r.pairs,
    conflictPairs: r.conflictPairs,
    steps: r.steps,
    stem: stem.separated,
    bestShared: { name: best.name, separated: best.separated },
  };
}

/** Per field, the mean over snapshots of the two tasks' gradient cosine on the shared embedding (Adam), lowest first. */
export function entanglementByField(
  fields: readonly string[],
  snapshots: readonly { arms: { adam: { entanglement: number[] } } }[],
): { field: string; cosine: number; se: number; snapshots: number }[] {
  return fields
    .map((field, k) => {
      const xs = snapshots.map((s) => s.arms.adam.entanglement[k]).filter((x): x is number => Number.isFinite(x));
      const n = xs.length;
      const cosine = n ? xs.reduce((a, b) => a + b, 0) / n : NaN;
      // Standard error of that mean over the snapshots (0 with a single one).
      const se = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - cosine) ** 2, 0) / (n - 1) / n) : 0;
      return { field, cosine, se, snapshots: n };
    })
    .filter((e) => Number.isFinite(e.cosine))
    .sort((a, b) => a.cosine - b.cosine);
}
