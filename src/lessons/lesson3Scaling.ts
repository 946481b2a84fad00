import type { ScalingPoint } from '../analysis/scalingPlan.ts';
import { LESSON_SCALING, SCALING_PRESET } from './lessonPresets.ts';
import { scalingFacts, type ScalingFacts, type VariantLine } from './scalingFacts.ts';
import type { Lesson, LessonStep } from './lessonTypes.ts';

const auc = (x: number) => x.toFixed(4);
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
const RUN = {
  id: 'scaling-run',
  label: `Run the scaling queue (sizes ${LESSON_SCALING.sizes.join('x, ')}x; single and multi; ${LESSON_SCALING.epochs} epochs)`,
} as const;
const NOT_RUN = 'The queue has not finished yet: press the button in the first step (six short runs), and this text fills in with its numbers.';

const aucs = (l: VariantLine) => l.points.map((p: ScalingPoint) => `${p.size}x ${auc(p.testAuc)}`).join(', ');
const ias = (l: VariantLine) => l.points.map((p: ScalingPoint) => `${p.size}x ${p.meanIaRatio.toFixed(2)}`).join(', ');

function aucText(f: ScalingFacts): string {
  const lead = f.aucLead > 0 ? `multi-embedding is ahead by ${auc(f.aucLead)}` : `single embedding is ahead by ${auc(-f.aucLead)}`;
  return (
    `Test AUC, single embedding: ${aucs(f.single)} (${signed(f.single.aucGain, 4)} from smallest to largest). ` +
    `Multi-embedding: ${aucs(f.multi)} (${signed(f.multi.aucGain, 4)}). At ${f.top}x, ${lead}. ` +
    "This is one seed on a 5k-row dataset with a few epochs per run: rerun with another seed (the form's seed field) before reading anything into a difference of this size; it demonstrates the measurement, it does not replicate the paper."
  );
}

function iaText(f: ScalingFacts): string {
  const verdict =
    f.iaLead > 0
      ? `At ${f.top}x multi-embedding keeps ${f.iaLead.toFixed(2)} more of its dimensions in use, the effect the paper reports.`
      : `At ${f.top}x single embedding keeps as much or more (${signed(f.iaLead, 2)}): this short run does not show the paper's effect.`;
  return `Mean IA/K, single: ${ias(f.single)}. Multi: ${ias(f.multi)}. ${verdict}`;
}

function steps(f: ScalingFacts | null): LessonStep[] {
  return [
    {
      title: 'Does a bigger embedding help?',
      text:
        'The usual way to scale a recommender is to widen its embeddings. Guo et al. (ICML 2024) found that gains stop early, or reverse, because of the interaction collapse of lesson 2: extra dimensions get squeezed out by the crosses. ' +
        'Their fix, multi-embedding, keeps several independent embedding sets of the base size, each with its own interaction, instead of one wide table. ' +
        `The button runs a small version of their experiment on the tiny dataset: DCNv2 with base dim ${LESSON_SCALING.baseDim} at ${LESSON_SCALING.sizes.join('x, ')}x, once as one wide embedding and once as that many sets, ${LESSON_SCALING.epochs} epochs each.`,
      preset: SCALING_PRESET,
      action: RUN,
      chart: { selector: '[data-testid="scaling-progress"], [data-testid="scaling-start"]', name: 'the scaling queue' },
      lookFor: f
        ? `The queue is done: ${f.single.points.length + f.multi.points.length - 1} runs (1x is one run: a single set of the base dim is both variants).`
        : 'The progress line: which size and variant is training.',
    },
    {
      title: 'Test AUC against parameters',
      text: f ? aucText(f) : NOT_RUN,
      preset: SCALING_PRESET,
      chart: { selector: '[data-testid="scaling-chart"]', name: 'AUC vs parameters' },
      lookFor: 'Two lines, x is parameter count on a log scale. A line that flattens or bends down as it moves right is scaling that stopped paying.',
    },
    {
      title: 'How much of each embedding is used',
      text:
        "IA/K is the share of the embedding's dimensions in use (lesson 1), averaged over fields; the multi-embedding sets are put side by side so both variants are measured at the same total width. " +
        (f ? iaText(f) : NOT_RUN),
      preset: SCALING_PRESET,
      chart: { selector: '[data-testid="scaling-ia-chart"]', name: 'mean IA vs size' },
      lookFor:
        'The chart plots mean IA itself, not divided by K: a line that grows much slower than the size (here 1x to 4x) means the added width is mostly unused. Compare the slopes of the two lines.',
    },
    {
      title: 'Make it a real test',
      text: 'The paper\'s curves come from full Criteo and Avazu training with several seeds. To get closer here, switch the dataset to "Synthetic CTR (small)" (50k rows, 24 fields), raise the epochs, and add the 10x size in the scaling panel; it then takes minutes, not seconds.',
      preset: SCALING_PRESET,
      chart: { selector: '[data-testid="dataset-select"]', name: 'the dataset menu' },
      lookFor: 'Whether the gap between the two lines grows with size, and exceeds the spread you see between seeds.',
    },
  ];
}

export const lesson3: Lesson = {
  id: 3,
  title: 'Bigger embeddings, same collapse: multi-embedding',
  summary: 'A small scaling queue: single vs multi-embedding at 1x, 2x, 4x, AUC against parameters and IA against size.',
  steps(_tables, results) {
    const done = results.scaling.phase === 'done' || results.scaling.phase === 'cancelled';
    return steps(done ? scalingFacts(results.scaling.points) : null);
  },
};
