import type { FieldResult } from '../contracts/tables.ts';
import type { TrainingRun } from '../state/trainingSlice.ts';

export interface FieldColumn {
  name: string;
  rows: number;
  /** IA of the field's own rows at the end of the run. */
  ownIa: number;
  /** Mean over the other fields i of ia[i][this]: how much spread they keep when crossed with this field. */
  seenBy: number;
}

/** The lesson dataset's planted crosses of its 3-valued field (public/datasets/index.json, pairs (0, 5), (0, 6), (0, 7)). */
export const LESSON_CROSSES = { field: 'f1', partners: ['f6', 'f7', 'f8'] } as const;

/** A field's planted partners as seen through it (their interaction-matrix cells in its column) and as seen by the other fields. */
export interface PartnerView {
  field: string;
  partners: string[];
  /** Mean over the partners p of ia[p][field]. */
  seenByField: number;
  /** Mean over the partners p of the mean of ia[p][j] over the other columns j (not the field, not p). */
  seenByOthers: number;
}

export interface InteractionFacts {
  dim: number;
  steps: number;
  columns: FieldColumn[];
  /** The field with the fewest values. */
  smallest: FieldColumn;
  /** Mean of the other columns' seenBy. */
  othersSeenBy: number;
  /** 1 = the smallest field's column is the lowest of all. */
  smallestRank: number;
  /** The column with the lowest seenBy. */
  lowest: FieldColumn;
  /** Per field, own IA at the first and the last spectrum snapshot, largest drop first. */
  drift: { name: string; rows: number; first: number; last: number }[];
  /** The planted partners of LESSON_CROSSES.field, when the run has all of them (experiments/effects.ts measures the same over seeds). */
  partners: PartnerView | null;
}

function partnerView(m: { fields: string[]; ia: number[][] }, field: string, partners: readonly string[]): PartnerView | null {
  const f = m.fields.indexOf(field);
  const ps = partners.map((p) => m.fields.indexOf(p));
  if (f < 0 || ps.some((p) => p < 0)) return null;
  return {
    field,
    partners: [...partners],
    seenByField: mean(ps.map((p) => m.ia[p][f])),
    seenByOthers: mean(ps.map((p) => mean(m.ia[p].filter((_, j) => j !== f && j !== p)))),
  };
}

/** The newest DCNv2 run that has an interaction matrix (the active one first). */
export function interactionRun(runs: readonly TrainingRun[], activeId: string | null): TrainingRun | null {
  const usable = runs.filter((r) => r.form.kind === 'dcnv2' && r.interaction !== null && r.spectra.length > 0);
  return usable.find((r) => r.id === activeId) ?? usable[usable.length - 1] ?? null;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What lesson 2 reads off a DCNv2 run: columns of the interaction matrix and the IA drift of each field. */
export function interactionFacts(run: TrainingRun): InteractionFacts | null {
  const m = run.interaction;
  const snaps = [...run.spectra].sort((a, b) => a.step - b.step);
  const first = snaps[0]?.sets[0];
  const last = snaps[snaps.length - 1]?.sets[0];
  if (!m || !first || !last || m.fields.length < 2) return null;
  const byName = new Map<string, FieldResult>(last.map((f) => [f.name, f]));
  const columns = m.fields.map((name, j) => ({
    name,
    rows: byName.get(name)?.rows ?? NaN,
    ownIa: m.rawIa[j],
    seenBy: mean(m.ia.filter((_, i) => i !== j).map((row) => row[j])),
  }));
  const smallest = columns.reduce((a, b) => (b.rows < a.rows ? b : a));
  const sorted = [...columns].sort((a, b) => a.seenBy - b.seenBy);
  const firstIa = new Map(first.map((f) => [f.name, f.information_abundance]));
  const drift = last
    .filter((f) => firstIa.has(f.name))
    .map((f) => ({ name: f.name, rows: f.rows, first: firstIa.get(f.name)!, last: f.information_abundance }))
    .sort((a, b) => b.first - b.last - (a.first - a.last));
  return {
    dim: run.form.dim * run.form.sizeMultiplier,
    steps: snaps[snaps.length - 1].step,
    columns,
    smallest,
    othersSeenBy: mean(columns.filter((c) => c !== smallest).map((c) => c.seenBy)),
    smallestRank: sorted.indexOf(smallest) + 1,
    lowest: sorted[0],
    drift,
    partners: partnerView(m, LESSON_CROSSES.field, LESSON_CROSSES.partners),
  };
}
