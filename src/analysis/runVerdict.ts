/**
 * What a training result means, in words the Train tab shows: why a run stopped, how its test
 * AUC stands against the data's Bayes AUC (or chance), and whether two scaling variants differ by
 * more than their seeds do. Pure functions; the views only display their text.
 */
import type { RunStatus } from '../contracts/run.ts';
import type { ScalingSummaryRow } from './scalingPlan.ts';

/** Within this of the Bayes AUC a run is "near the ceiling" (issue 12's learnability target). */
export const NEAR_BAYES_GAP = 0.02;
/** Further than this below the Bayes AUC a run "did not learn" what the data holds. */
export const UNDER_TRAINED_GAP = 0.05;
/** Test AUCs up to this above 0.5 are no better than chance. */
export const CHANCE_MARGIN = 0.02;

export interface StopInput {
  /** 'done' when the trainer finished on its own (last epoch or early stop); 'stopped' when the user stopped it. */
  status: RunStatus;
  stoppedEarly: boolean;
  step: number;
  epochs: number;
  patience: number;
  bestStep: number;
  bestValidAuc: number;
}

/** Why a run ended, as one sentence ('' while it runs). */
export function stopReason(s: StopInput): string {
  if (s.status === 'idle' || s.status === 'loading' || s.status === 'running' || s.status === 'paused') return '';
  if (s.status === 'error') return `failed at step ${s.step}`;
  if (s.status === 'interrupted') return `interrupted at step ${s.step}`;
  if (s.status === 'stopped') return `stopped by you at step ${s.step}`;
  const best = Number.isFinite(s.bestValidAuc) ? ` (best ${s.bestValidAuc.toFixed(4)} at step ${s.bestStep})` : '';
  if (s.stoppedEarly)
    return `stopped early at step ${s.step}: valid AUC did not improve for ${s.patience} evaluation${s.patience === 1 ? '' : 's'}${best}; test metrics use the best weights`;
  return `ran all ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}${best}`;
}

export type ResultLevel = 'near-bayes' | 'learned' | 'under-trained' | 'chance' | 'learned-no-ceiling' | 'at-measured-ceiling';

export interface ResultVerdict {
  level: ResultLevel;
  text: string;
  /** Bayes AUC - test AUC, when the data has a known Bayes AUC. */
  gap?: number;
}

/**
 * How a test AUC stands against the Bayes AUC of synthetic data (when known) and against chance.
 * `measuredCeiling`: for data that is hard by design, the best test AUC any recipe reached; a run
 * within NEAR_BAYES_GAP of it is called so rather than under-trained. `remedy`: what may close a
 * 'learned' gap, for a family where more epochs do not (default: more epochs or rows).
 */
export function resultVerdict(testAuc: number, bayesAuc?: number, measuredCeiling?: number, remedy = 'more epochs or rows may close it'): ResultVerdict | null {
  if (!Number.isFinite(testAuc)) return null;
  if (testAuc <= 0.5 + CHANCE_MARGIN)
    return {
      level: 'chance',
      text: `no better than chance (test AUC ${testAuc.toFixed(3)}): the model did not learn; train longer, or raise the learning rate`,
      ...(bayesAuc !== undefined ? { gap: bayesAuc - testAuc } : {}),
    };
  if (bayesAuc === undefined || !Number.isFinite(bayesAuc))
    return { level: 'learned-no-ceiling', text: `learned (test AUC ${testAuc.toFixed(3)}); this data has no known Bayes AUC to compare with` };
  const gap = bayesAuc - testAuc;
  if (gap <= NEAR_BAYES_GAP) return { level: 'near-bayes', gap, text: `near the Bayes AUC (gap ${gap.toFixed(3)}): the model learned what the data holds` };
  if (gap <= UNDER_TRAINED_GAP) return { level: 'learned', gap, text: `learned, but ${gap.toFixed(3)} below the Bayes AUC ${bayesAuc.toFixed(3)}: ${remedy}` };
  if (measuredCeiling !== undefined && testAuc >= measuredCeiling - NEAR_BAYES_GAP)
    return {
      level: 'at-measured-ceiling',
      gap,
      text: `at this dataset's measured ceiling (best ${measuredCeiling.toFixed(3)} over the recipes tried): it is hard by design, too few rows per value to close the gap ${gap.toFixed(3)} to the Bayes AUC`,
    };
  return {
    level: 'under-trained',
    gap,
    text: `did not learn what the data holds: under-trained, gap ${gap.toFixed(3)} to the Bayes AUC ${bayesAuc.toFixed(3)}; results drawn on it (IA, spectra) are of a model that has not learned`,
  };
}

export interface DifferenceVerdict {
  /** b - a of the means. */
  difference: number;
  /** The larger of the two groups' standard deviations. */
  spread: number;
  /** True when the difference is larger than the spread and more than one seed backs each side. */
  clear: boolean;
  text: string;
}

/**
 * Whether the means of b and a differ by more than the seeds spread: with one seed there is no
 * spread to compare with, so the difference is never called clear.
 */
export function differenceVerdict(
  label: string,
  a: { mean: number; std: number; seeds: number },
  b: { mean: number; std: number; seeds: number },
  digits = 3,
): DifferenceVerdict {
  const difference = b.mean - a.mean;
  const spread = Math.max(a.std, b.std);
  const seeds = Math.min(a.seeds, b.seeds);
  const d = `${difference >= 0 ? '+' : ''}${difference.toFixed(digits)}`;
  if (seeds < 2) return { difference, spread, clear: false, text: `${label}: ${d} from one seed, so its noise is unknown; run 3 or more seeds` };
  if (Math.abs(difference) <= spread)
    return { difference, spread, clear: false, text: `${label}: ${d}, within noise (seed spread ±${spread.toFixed(digits)}); run more seeds` };
  return { difference, spread, clear: true, text: `${label}: ${d}, larger than the seed spread (±${spread.toFixed(digits)}, ${seeds} seeds)` };
}

/** Per size, the scaling queue's reading: each point's result against Bayes / chance, and multi vs single. */
export function scalingVerdicts(rows: readonly ScalingSummaryRow[], bayesAuc?: number): string[] {
  const out: string[] = [];
  const sizes = [...new Set(rows.map((r) => r.size))].sort((x, y) => x - y);
  for (const size of sizes) {
    const at = rows.filter((r) => r.size === size);
    // At 1x single and multi-embedding are the same runs: one reading.
    for (const r of size === 1 ? at.slice(0, 1) : at) {
      const v = resultVerdict(r.testAuc, bayesAuc);
      if (v && v.level !== 'near-bayes' && v.level !== 'learned-no-ceiling') out.push(`${size}x${size === 1 ? '' : ` ${r.variant}`}: ${v.text}`);
    }
    const single = at.find((r) => r.variant === 'single');
    const multi = at.find((r) => r.variant === 'multi');
    if (single && multi && size > 1) {
      out.push(
        differenceVerdict(
          `${size}x multi - single, mean IA`,
          { mean: single.meanIa, std: single.meanIaStd, seeds: single.seeds },
          { mean: multi.meanIa, std: multi.meanIaStd, seeds: multi.seeds },
          2,
        ).text,
      );
      out.push(
        differenceVerdict(
          `${size}x multi - single, test AUC`,
          { mean: single.testAuc, std: single.testAucStd, seeds: single.seeds },
          { mean: multi.testAuc, std: multi.testAucStd, seeds: multi.seeds },
          4,
        ).text,
      );
    }
  }
  return out;
}
