import type { FieldSpectrum } from './collapseVerdict.ts';

/** Most checkpoints a series takes (each one is a full analysis). */
export const MAX_SERIES_FILES = 200;

const STEP_TAGS = ['global_step', 'step', 'iteration', 'iter', 'it', 'epoch', 'ckpt', 'checkpoint'];

/**
 * The training step a checkpoint's name gives: the number after step/epoch/iter/ckpt/checkpoint
 * (model_step1200.pt, epoch=3-step=4500.ckpt, ckpt-500.pth), else the last number in the name
 * (dcnv2_000800.pt); null when the name holds none.
 */
export function stepFromName(name: string): number | null {
  const base = name.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z][A-Za-z0-9]*$/, '');
  // The finest-grained tag wins: Lightning's epoch=3-step=4500 is step 4500.
  const tagged = STEP_TAGS.map((tag) => new RegExp(`(?:^|[^a-z])${tag}[-_=]?(\\d+)`, 'i').exec(base)?.[1]).find((d) => d !== undefined);
  const digits = tagged ?? /(\d+)(?!.*\d)/.exec(base)?.[1];
  if (digits === undefined) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}

export interface SeriesOrder {
  /** Indices into the picked files, in series order. */
  order: number[];
  /** The x value of each checkpoint, in series order. */
  steps: number[];
  /** 'name': the steps in the names, ascending; 'picked': the order picked, numbered 1..n. */
  by: 'name' | 'picked';
  /** Why the names could not order the series, when by is 'picked' though the user did not ask for it. */
  why?: string;
}

/**
 * Orders checkpoints of one training: by the step in their names when every name has one and no
 * two share it; otherwise (or when asked) in the order they were picked, numbered 1..n.
 */
export function orderSeries(names: readonly string[], keepPicked = false): SeriesOrder {
  const picked = (why?: string): SeriesOrder => ({ order: names.map((_, i) => i), steps: names.map((_, i) => i + 1), by: 'picked', ...(why ? { why } : {}) });
  if (keepPicked) return picked();
  const steps = names.map(stepFromName);
  const missing = names.filter((_, i) => steps[i] === null);
  if (missing.length > 0) return picked(`${missing.length === 1 ? `"${missing[0]}" has` : `${missing.length} names have`} no step number`);
  const seen = new Map<number, string>();
  for (let i = 0; i < names.length; i++) {
    const other = seen.get(steps[i]!);
    if (other !== undefined) return picked(`"${other}" and "${names[i]}" both say step ${steps[i]}`);
    seen.set(steps[i]!, names[i]);
  }
  const order = names.map((_, i) => i).sort((a, b) => steps[a]! - steps[b]!);
  return { order, steps: order.map((i) => steps[i]!), by: 'name' };
}

/** One field's IA at the first and the last checkpoint. */
export interface FieldTrend {
  name: string;
  first: number;
  last: number;
}

/** First and last IA per field (fields of the first checkpoint, in its order). */
export function fieldTrends(snapshots: readonly { fields: readonly FieldSpectrum[] }[]): FieldTrend[] {
  const first = snapshots[0]?.fields ?? [];
  const lastFields = snapshots[snapshots.length - 1]?.fields ?? [];
  return first.flatMap((f) => {
    const last = lastFields.find((x) => x.name === f.name);
    return last ? [{ name: f.name, first: f.information_abundance, last: last.information_abundance }] : [];
  });
}
