import type { SeqRun } from '../state/sequenceSlice.ts';
import type { SeqSnapshot } from '../workers/sequenceProtocol.ts';

/** What lesson 6 reads off one finished run. */
export interface SeqRunFacts {
  seed: number;
  attentionDim: number;
  auc: number;
  /** Mean Spearman (over the top target categories) of the learned correlation with the ground truth. */
  spearman: number;
  overlap: number;
  captured: number;
  /** Measured search-stage time per batch (ms). */
  searchMs: number;
}

/** TWIN against DARE on the same dataset and seed, and TWIN's coupled gradients. */
export interface DecouplingFacts {
  dataset: string;
  users: number;
  twin: SeqRunFacts;
  dare: SeqRunFacts;
  /** TWIN's attention/representation gradients on its shared category rows over the run. */
  conflict: { share: number; normRatio: number; cosines: number } | null;
  /** Finished DARE runs of the dataset by attention dim (largest first), for the sweep step. */
  sweep: SeqRunFacts[];
}

function lastWith<T>(run: SeqRun, pick: (s: SeqSnapshot) => T | null | undefined): T | undefined {
  for (let i = run.snapshots.length - 1; i >= 0; i--) {
    const v = pick(run.snapshots[i]);
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

const finiteMean = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

function runFacts(run: SeqRun): SeqRunFacts {
  const search = lastWith(run, (s) => s.search);
  return {
    seed: run.form.seed,
    attentionDim: run.form.model === 'dare' ? run.form.attentionDim : run.form.dim,
    auc: run.report?.testAuc ?? NaN,
    spearman: finiteMean(lastWith(run, (s) => s.correlation)?.spearman ?? []),
    overlap: search?.overlap ?? NaN,
    captured: search?.miCaptured ?? NaN,
    searchMs: run.report?.searchMs ?? NaN,
  };
}

/**
 * The newest finished TWIN run of the built-in dataset `dataset` (its id, as a lesson preset names
 * it: a run's datasetName is the dataset's display name) generated at `users` users, and the
 * newest finished DARE run with the same seed and embedding dim; null until both exist.
 */
export function decouplingFacts(runs: readonly SeqRun[], dataset: string, users: number): DecouplingFacts | null {
  const done = runs.filter((r) => r.form.datasetId === dataset && r.form.users === users && r.status === 'done' && r.report);
  const twin = [...done].reverse().find((r) => r.form.model === 'twin');
  if (!twin) return null;
  const dares = done.filter((r) => r.form.model === 'dare' && r.form.dim === twin.form.dim);
  const dare =
    [...dares].reverse().find((r) => r.form.seed === twin.form.seed && r.form.attentionDim === r.form.dim) ??
    [...dares].reverse().find((r) => r.form.seed === twin.form.seed);
  if (!dare) return null;
  const gradient = lastWith(twin, (s) => s.gradient);
  const byDim = new Map<number, SeqRun>();
  for (const r of dares) byDim.set(r.form.attentionDim, r);
  return {
    dataset,
    users,
    twin: runFacts(twin),
    dare: runFacts(dare),
    conflict: gradient ? { share: gradient.conflictingShare, normRatio: gradient.normRatio, cosines: gradient.counts.reduce((a, b) => a + b, 0) } : null,
    sweep: [...byDim.values()].map(runFacts).sort((a, b) => b.attentionDim - a.attentionDim),
  };
}
