/**
 * Recorded runs: the five phenomena measured at full size over several seeds by one committed
 * command (`npm run experiments:record`), shipped as recordedEffects.json. A lesson shows them
 * beside its live run, labelled "recorded" with the command, dataset, seeds and date.
 */
import recorded from './recordedEffects.json';

export type EffectId =
  | 'collapse-trained'
  | 'collapse-large-field'
  | 'interaction-without-field'
  | 'interaction-column'
  | 'interaction-planted-control'
  | 'multi-ia-4x'
  | 'multi-ia-10x'
  | 'multi-auc-10x'
  | 'dominance-adam'
  | 'dominance-top'
  | 'dominance-adatask'
  | 'dominance-auc'
  | 'stem-vs-shared'
  | 'stem-vs-chance'
  | 'seq-correlation'
  | 'seq-search-overlap'
  | 'seq-search-captured'
  | 'seq-conflict'
  | 'seq-domination'
  | 'seq-auc'
  | 'seq-attention-quarter-auc';

/** One effect over seeds: its per-seed sizes, mean ± sd and how many seeds point the paper's way. */
export interface RecordedEffect {
  id: EffectId;
  /** What is measured, in words ("mean IA/K after training minus at initialisation"). */
  name: string;
  /** The paper's direction: +1 expects positive values, -1 negative. `threshold` shifts zero (rAU >= 0.7). */
  direction: 1 | -1;
  threshold: number;
  dataset: string;
  /** The run's settings in words ("DCNv2 dim 8, 3 epochs, lr 0.005, batch 256"). */
  setting: string;
  seeds: number[];
  values: number[];
  mean: number;
  sd: number;
  agree: number;
  /** At least 80 % of seeds agree and the mean clears the threshold by more than the seed spread. */
  holds: boolean;
}

/** Per size and variant of the recorded scaling queue: means over seeds. */
export interface RecordedScalingPoint {
  variant: 'single' | 'multi';
  size: number;
  testAuc: number;
  testAucSd: number;
  meanIa: number;
  meanIaSd: number;
}

export interface RecordedEffects {
  command: string;
  /** ISO date of the recording. */
  date: string;
  backend: string;
  effects: RecordedEffect[];
  scaling: { dataset: string; bayesTestAuc: number; points: RecordedScalingPoint[] };
}

export const RECORDED: RecordedEffects = recorded as RecordedEffects;

export function recordedEffect(id: EffectId, from: RecordedEffects = RECORDED): RecordedEffect | null {
  return from.effects.find((e) => e.id === id) ?? null;
}

const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/** "<what> +0.514 ± 0.089; the paper's direction holds in 5 of 5 seeds, ..." (no provenance: for a sentence that already gives it). */
export function recordedVerdict(e: RecordedEffect, digits = 3): string {
  const value = e.threshold === 0 ? `${signed(e.mean, digits)} ± ${e.sd.toFixed(digits)}` : `${e.mean.toFixed(digits)} ± ${e.sd.toFixed(digits)}`;
  const verdict = e.holds
    ? `the paper's direction holds in ${e.agree} of ${e.seeds.length} seeds, by more than the seed spread`
    : `this does not reproduce: ${e.agree} of ${e.seeds.length} seeds point the paper's way${e.agree > 0 ? ', within the seed spread or too few' : ''}`;
  return `${e.name} ${value}; ${verdict}.`;
}

/** "Recorded run (npm run experiments:record, 2026-12-06, synthetic-ctr-lesson, ..., seeds 1-5): ..." with the verdict in words. */
export function recordedSentence(e: RecordedEffect, from: RecordedEffects = RECORDED, digits = 3): string {
  const seeds = e.seeds.length > 1 ? `seeds ${e.seeds[0]}-${e.seeds[e.seeds.length - 1]}` : `seed ${e.seeds[0]}`;
  return `Recorded run (${from.command}, ${from.date.slice(0, 10)}, ${e.dataset}, ${e.setting}, ${seeds}): ${recordedVerdict(e, digits)}`;
}
