/**
 * What the Sequences view shows of its runs, read in one place so the view only draws: runs of a
 * dataset grouped by model (mean ± sd over seeds), the focused run's read-outs, the
 * attention-dim sweep's points, and what the results mean (runVerdict.ts): a run that did not
 * learn, or a difference within the seeds' noise, is said to be so.
 */
import { differenceVerdict, resultVerdict } from '../analysis/runVerdict.ts';
import { DEFAULT_SEARCH_K } from '../analysis/searchQuality.ts';
import { modelName } from '../contracts/modelNames.ts';
import type { SeqSnapshot } from '../workers/sequenceProtocol.ts';
import type { SeqRun } from './sequenceSlice.ts';

/** The k of the search quality the worker reads out (the engine's DEFAULT_SEARCH_K). */
export const SEARCH_K = DEFAULT_SEARCH_K;

/** A line of a chart: plain points, with the sd over seeds as spread. */
export interface SeqLine {
  label: string;
  points: { x: number; y: number; spread?: number }[];
  dashed?: boolean;
  /** Its group's palette entry, the same in every chart. */
  colorIndex: number;
}

/** Runs compared together: one model (DARE at one attention dim) over its seeds. */
export interface SeqGroup {
  key: string;
  label: string;
  /** Order first trained: the palette entry of the group's lines in every chart. */
  colorIndex: number;
  runs: SeqRun[];
}

export const runsOfDataset = (runs: readonly SeqRun[], datasetName: string) => runs.filter((r) => r.datasetName === datasetName);

const groupKey = (r: SeqRun) => (r.form.model === 'dare' ? `dare-${r.form.attentionDim}` : r.form.model);
const groupLabel = (r: SeqRun) =>
  r.form.model === 'dare' && r.form.attentionDim !== r.form.dim ? `DARE attn ${r.form.attentionDim}/${r.form.dim}` : modelName(r.form.model);

/**
 * Runs grouped by model, keeping only those trained like the newest run of the dataset apart from
 * the model, attention dim and seed (a curve mixes no other settings); in the order first trained.
 */
export function comparedGroups(runs: readonly SeqRun[]): SeqGroup[] {
  const newest = runs[runs.length - 1];
  if (!newest) return [];
  const like = (r: SeqRun) =>
    r.form.dim === newest.form.dim &&
    r.form.historyLength === newest.form.historyLength &&
    r.form.topK === newest.form.topK &&
    r.form.lr === newest.form.lr &&
    r.form.batchSize === newest.form.batchSize &&
    r.form.epochs === newest.form.epochs;
  const groups = new Map<string, SeqGroup>();
  for (const r of runs.filter(like)) {
    const key = groupKey(r);
    const g = groups.get(key) ?? { key, label: groupLabel(r), colorIndex: groups.size, runs: [] };
    // One run per seed: a later run of the same seed replaces an earlier one.
    g.runs = [...g.runs.filter((x) => x.form.seed !== r.form.seed), r];
    groups.set(key, g);
  }
  return [...groups.values()];
}

export function meanSd(values: readonly number[]): { mean: number; std: number; n: number } {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Per group, the mean over its seeds at each step every seed has reached (sd as the spread). */
function groupLine(g: SeqGroup, series: (r: SeqRun) => readonly { step: number; value: number }[], dashed = false): SeqLine {
  const perRun = g.runs.map((r) => new Map(series(r).map((p) => [p.step, p.value])));
  const steps = [...(perRun[0]?.keys() ?? [])].filter((s) => perRun.every((m) => m.has(s))).sort((a, b) => a - b);
  const seeds = g.runs.length;
  return {
    label: seeds > 1 ? `${g.label} (${seeds} seeds)` : g.label,
    dashed,
    colorIndex: g.colorIndex,
    points: steps.map((s) => {
      const { mean, std } = meanSd(perRun.map((m) => m.get(s)!));
      return { x: s, y: mean, ...(seeds > 1 && Number.isFinite(std) ? { spread: std } : {}) };
    }),
  };
}

export const aucLines = (groups: readonly SeqGroup[]): SeqLine[] =>
  groups.map((g) => groupLine(g, (r) => r.metrics.map((m) => ({ step: m.step, value: m.auc }))));

export const loglossLines = (groups: readonly SeqGroup[]): SeqLine[] =>
  groups.map((g) => groupLine(g, (r) => r.metrics.map((m) => ({ step: m.step, value: m.logloss }))));

const snapshotSeries = (r: SeqRun, read: (s: SeqSnapshot) => number | undefined) =>
  r.snapshots.flatMap((s) => {
    const v = read(s);
    return v === undefined ? [] : [{ step: s.step, value: v }];
  });

/** Search quality over training: overlap (solid) and share of ground-truth MI captured (dashed), per model. */
export const searchLines = (groups: readonly SeqGroup[]): SeqLine[] =>
  groups.flatMap((g) => [
    { ...groupLine(g, (r) => snapshotSeries(r, (s) => s.search?.overlap)), label: `${g.label} top-k overlap` },
    { ...groupLine(g, (r) => snapshotSeries(r, (s) => s.search?.miCaptured), true), label: `${g.label} MI captured` },
  ]);

/** Mean Spearman (over the target categories) of the learned correlation with the ground truth, over training. */
export function meanSpearman(s: SeqSnapshot): number | undefined {
  const v = s.correlation?.spearman.filter(Number.isFinite) ?? [];
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

export const spearmanLines = (groups: readonly SeqGroup[]): SeqLine[] => groups.map((g) => groupLine(g, (r) => snapshotSeries(r, meanSpearman)));

/** Coupled models' conflicting share and norm ratio over steps. */
export const conflictLines = (groups: readonly SeqGroup[]): SeqLine[] =>
  groups.flatMap((g) => {
    const line = groupLine(g, (r) => snapshotSeries(r, (s) => s.gradient?.recentShare));
    return line.points.length ? [line] : [];
  });

export const normRatioLines = (groups: readonly SeqGroup[]): SeqLine[] =>
  groups.flatMap((g) => {
    const line = groupLine(g, (r) => snapshotSeries(r, (s) => s.gradient?.normRatio));
    return line.points.length ? [line] : [];
  });

/** Per model, its newest run with a learned correlation: the heatmaps beside the ground truth. */
export function heatmapRuns(groups: readonly SeqGroup[]): { label: string; run: SeqRun; snapshot: SeqSnapshot }[] {
  return groups.flatMap((g) => {
    const run = [...g.runs].reverse().find((r) => r.snapshots.some((s) => s.correlation));
    const snapshot = run && [...run.snapshots].reverse().find((s) => s.correlation);
    return run && snapshot ? [{ label: `${g.label} (seed ${run.form.seed}, step ${snapshot.step})`, run, snapshot }] : [];
  });
}

/** The newest gradient read-out of a coupled run (DARE has none). */
export function lastGradient(run: SeqRun | null): SeqSnapshot['gradient'] {
  if (!run) return null;
  for (let i = run.snapshots.length - 1; i >= 0; i--) if (run.snapshots[i].gradient) return run.snapshots[i].gradient;
  return null;
}

export interface SweepPoint {
  label: string;
  attentionDim: number;
  /** Measured search time per batch (ms), mean over seeds. */
  searchMs: number;
  auc: number;
  aucSd: number;
  seeds: number;
  colorIndex: number;
}

/** Finished TWIN and DARE runs per attention dim: measured search time against test AUC. */
export function sweepPoints(groups: readonly SeqGroup[]): SweepPoint[] {
  return groups
    .filter((g) => g.runs[0].form.model === 'dare' || g.runs[0].form.model === 'twin')
    .flatMap((g) => {
      const done = g.runs.filter((r) => r.report && r.status === 'done');
      if (done.length === 0) return [];
      const auc = meanSd(done.map((r) => r.report!.testAuc));
      const ms = meanSd(done.map((r) => r.report!.searchMs));
      if (!Number.isFinite(ms.mean)) return [];
      const r = done[0];
      return [
        {
          label: g.label,
          attentionDim: r.form.model === 'dare' ? r.form.attentionDim : r.form.dim,
          searchMs: ms.mean,
          auc: auc.mean,
          aucSd: auc.std,
          seeds: done.length,
          colorIndex: g.colorIndex,
        },
      ];
    })
    .sort((a, b) => a.searchMs - b.searchMs);
}

/** The sweep's points as chart lines: one point per model, its spread the sd of AUC over seeds. */
export const sweepChartLines = (points: readonly SweepPoint[]): SeqLine[] =>
  points.map((p) => ({
    label: `${p.label}${p.seeds > 1 ? ` (${p.seeds} seeds)` : ''}`,
    points: [{ x: p.searchMs, y: p.auc, spread: p.aucSd }],
    colorIndex: p.colorIndex,
  }));

/**
 * What may close a sequence run's gap to the Bayes AUC. Not more epochs: on the built-in sequences
 * the test AUC peaks after the first epoch or two and then falls as the item tables memorise
 * (weight decay 1e-4 holds it flat but does not raise the peak), and with items removed the
 * models still stop short of the history's share (experiments/README.md, the sequence sweep).
 */
const SEQUENCE_REMEDY = 'more epochs will not close it (the item tables memorise); the search stage misses part of what the history holds (see search quality)';

/** Sentences on the compared runs: each model's result against Bayes / chance, and DARE - TWIN against the seeds' spread. */
export function comparisonVerdicts(groups: readonly SeqGroup[]): string[] {
  const out: string[] = [];
  const finals = groups.map((g) => {
    const done = g.runs.filter((r) => r.report && r.status === 'done');
    return { g, done, auc: meanSd(done.map((r) => r.report!.testAuc)) };
  });
  for (const { g, done, auc } of finals) {
    if (done.length === 0) continue;
    const v = resultVerdict(auc.mean, done[0].bayesAuc, undefined, SEQUENCE_REMEDY);
    if (v) out.push(`${g.label}: ${v.text}.`);
  }
  const twin = finals.find((f) => f.g.key === 'twin' && f.done.length > 0);
  const rho = (f: (typeof finals)[number]) =>
    meanSd(f.done.map((r) => [...r.snapshots].reverse().find((s) => s.correlation)).flatMap((s) => (s ? [meanSpearman(s) ?? NaN] : [])));
  for (const dare of finals.filter((f) => f.g.key.startsWith('dare') && f.done.length > 0)) {
    if (!twin) break;
    const d = differenceVerdict(
      `${dare.g.label} - TWIN, test AUC`,
      { mean: twin.auc.mean, std: twin.auc.std, seeds: twin.auc.n },
      { mean: dare.auc.mean, std: dare.auc.std, seeds: dare.auc.n },
      4,
    );
    out.push(`${d.text}.`);
    const a = rho(twin);
    const b = rho(dare);
    if (a.n > 0 && b.n > 0)
      out.push(
        `${differenceVerdict(`${dare.g.label} - TWIN, Spearman ρ with the ground truth`, { mean: a.mean, std: a.std, seeds: a.n }, { mean: b.mean, std: b.std, seeds: b.n }, 3).text}.`,
      );
  }
  return out;
}

/** The run whose gradient conflict is shown: the focused one when it is coupled, else the newest coupled run. */
export function gradientRun(runs: readonly SeqRun[], focus: string): SeqRun | null {
  const focused = runs.find((r) => r.id === focus);
  if (focused && lastGradient(focused)) return focused;
  return [...runs].reverse().find((r) => lastGradient(r) !== null) ?? null;
}

/** A run named short, for chart titles: its model (DARE with its attention dim) and seed. */
export const runShortLabel = (r: SeqRun) => `${groupLabel(r)}, seed ${r.form.seed}`;

/** Said under the search-quality chart when a compared run keeps no more behaviours than k: every pick is then right by construction. */
export function searchCaveat(runs: readonly SeqRun[], k: number): string {
  const short = runs.filter((r) => r.form.historyLength <= k);
  if (short.length === 0) return '';
  return `${short.length === runs.length ? 'Every run' : `${short.length} of ${runs.length} runs`} keep${short.length === 1 ? 's' : ''} at most ${k} behaviours (history length ≤ k), so their top-${k} is the whole history and the search quality is 1 by construction: raise the history length to measure it.`;
}
