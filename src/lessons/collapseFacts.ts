import type { FieldResult, LoadedTable } from '../contracts/tables.ts';
import { COLLAPSED_BELOW, iaRatio, summarizeCollapse } from '../analysis/collapseVerdict.ts';
import { COLLAPSED_SOURCE, HEALTHY_SOURCE } from '../examples/exampleTables.ts';

/** A field as both example tables have it. */
export interface FieldPair {
  name: string;
  healthy: FieldResult;
  collapsed: FieldResult;
}

/** Everything lesson 1 says about the two examples, read off their computed results. */
export interface CollapseFacts {
  healthy: LoadedTable;
  collapsed: LoadedTable;
  /** Embedding dimension K of the collapsed table. */
  dim: number;
  /** Fields present in both, in the collapsed table's order. */
  pairs: FieldPair[];
  collapsedCount: { healthy: number; collapsed: number };
  threshold: number;
  /** Lowest IA/K field of the collapsed table among fields with at least K rows. */
  worst: FieldResult;
  /** The shared field whose IA/K drops most from healthy to collapsed. */
  largestDrop: FieldPair;
}

/** Singular values at or above a tenth of the largest. */
export function valuesAboveTenth(f: FieldResult): number {
  return f.normalized_spectrum.filter((v) => v >= 0.1).length;
}

/** The smallest non-zero normalised singular value and its 1-based index. */
export function smallestValue(f: FieldResult): { value: number; index: number } {
  let index = 0;
  f.normalized_spectrum.forEach((v, i) => {
    if (v > 0) index = i + 1;
  });
  return { value: index > 0 ? f.normalized_spectrum[index - 1] : 0, index };
}

/** Whole dimensions' worth of spread: IA rounded ("uses about 6 of 32 dimensions"). */
export function dimensionsUsed(f: FieldResult): number {
  return Math.max(1, Math.round(f.information_abundance));
}

/** Null when either example is not loaded (the lesson then offers to load them). */
export function collapseFacts(tables: LoadedTable[]): CollapseFacts | null {
  const healthy = tables.find((t) => t.origin === 'example' && t.source === HEALTHY_SOURCE);
  const collapsed = tables.find((t) => t.origin === 'example' && t.source === COLLAPSED_SOURCE);
  if (!healthy || !collapsed) return null;
  const pairs = collapsed.result.fields.flatMap((c) => {
    const h = healthy.result.fields.find((f) => f.name === c.name);
    return h ? [{ name: c.name, healthy: h, collapsed: c }] : [];
  });
  const worst = summarizeCollapse(collapsed.result.fields).worst;
  if (pairs.length === 0 || !worst) return null;
  const drop = (p: FieldPair) => iaRatio(p.healthy) - iaRatio(p.collapsed);
  return {
    healthy,
    collapsed,
    dim: worst.dim,
    pairs,
    collapsedCount: {
      healthy: summarizeCollapse(healthy.result.fields).collapsed,
      collapsed: summarizeCollapse(collapsed.result.fields).collapsed,
    },
    threshold: COLLAPSED_BELOW,
    worst,
    largestDrop: pairs.reduce((a, b) => (drop(b) > drop(a) ? b : a)),
  };
}
