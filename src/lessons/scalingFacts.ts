import type { ScalingPoint, ScalingVariant } from '../analysis/scalingPlan.ts';

export interface VariantLine {
  variant: ScalingVariant;
  /** Points by size, smallest first. */
  points: ScalingPoint[];
  /** Test AUC at the largest size minus at the smallest. */
  aucGain: number;
}

export interface ScalingFacts {
  single: VariantLine;
  multi: VariantLine;
  /** Largest size both variants reached. */
  top: number;
  /** Multi minus single at `top`. */
  aucLead: number;
  iaLead: number;
}

function line(points: readonly ScalingPoint[], variant: ScalingVariant): VariantLine | null {
  const mine = points.filter((p) => p.variant === variant && Number.isFinite(p.testAuc)).sort((a, b) => a.size - b.size);
  if (mine.length < 2) return null;
  return { variant, points: mine, aucGain: mine[mine.length - 1].testAuc - mine[0].testAuc };
}

/**
 * Single vs multi-embedding from a finished scaling queue (one seed), or null if either has fewer
 * than two sizes. The queue trains 1x once (one set of the base dim is both variants), so the
 * multi line starts from the single 1x point.
 */
export function scalingFacts(points: readonly ScalingPoint[]): ScalingFacts | null {
  const single = line(points, 'single');
  const base = points.find((p) => p.variant === 'single' && p.size === 1);
  const hasMultiBase = points.some((p) => p.variant === 'multi' && p.size === 1);
  const multi = line(base && !hasMultiBase ? [...points, { ...base, variant: 'multi' }] : points, 'multi');
  if (!single || !multi) return null;
  const shared = single.points.map((p) => p.size).filter((s) => multi.points.some((q) => q.size === s));
  if (shared.length === 0) return null;
  const top = Math.max(...shared);
  const at = (l: VariantLine) => l.points.find((p) => p.size === top)!;
  return { single, multi, top, aucLead: at(multi).testAuc - at(single).testAuc, iaLead: at(multi).meanIaRatio - at(single).meanIaRatio };
}
