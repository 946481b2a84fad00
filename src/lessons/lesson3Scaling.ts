import type { ScalingPoint } from '../analysis/scalingPlan.ts';
import { LESSON_SCALING, SCALING_PRESET } from './lessonPresets.ts';
import { scalingFacts, type ScalingFacts, type VariantLine } from './scalingFacts.ts';
import type { Lesson, LessonStep } from './lessonTypes.ts';
import { RECORDED, recordedEffect, recordedSentence, recordedVerdict, type RecordedScalingPoint } from './recordedEffects.ts';

const auc = (x: number) => x.toFixed(4);
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
const EPOCHS = `${LESSON_SCALING.epochs} epoch${LESSON_SCALING.epochs === 1 ? '' : 's'}`;
const RUN = {
  id: 'scaling-run',
  label: `Run the scaling queue (sizes ${LESSON_SCALING.sizes.join('x, ')}x; single and multi; ${EPOCHS})`,
} as const;
const NOT_RUN = 'The queue has not finished yet: press the button in the first step (three short runs), and this text fills in with its numbers.';

const aucs = (l: VariantLine) => l.points.map((p: ScalingPoint) => `${p.size}x ${auc(p.testAuc)}`).join(', ');
const ias = (l: VariantLine) => l.points.map((p: ScalingPoint) => `${p.size}x ${p.meanIaRatio.toFixed(2)}`).join(', ');

function aucText(f: ScalingFacts): string {
  const lead = f.aucLead > 0 ? `multi-embedding is ahead by ${auc(f.aucLead)}` : `single embedding is ahead by ${auc(-f.aucLead)}`;
  return (
    `Test AUC, single embedding: ${aucs(f.single)} (${signed(f.single.aucGain, 4)} from smallest to largest). ` +
    `Multi-embedding: ${aucs(f.multi)} (${signed(f.multi.aucGain, 4)}). At ${f.top}x, ${lead}. ` +
    `This is one seed with ${EPOCHS} per run: ${seedSpread()}`
  );
}

function iaText(f: ScalingFacts): string {
  const verdict =
    f.iaLead > 0
      ? `At ${f.top}x multi-embedding keeps ${f.iaLead.toFixed(2)} more of its dimensions in use, the effect the paper reports.`
      : `At ${f.top}x single embedding keeps as much or more (${signed(f.iaLead, 2)}): this short run does not show the paper's effect.`;
  return `Mean IA/K, single: ${ias(f.single)}. Multi: ${ias(f.multi)}. ${verdict} ${recorded('multi-ia-4x')}`;
}

function recorded(id: 'multi-ia-4x' | 'multi-ia-10x' | 'multi-auc-10x'): string {
  const e = recordedEffect(id);
  return e ? recordedSentence(e, RECORDED, 4) : '';
}

/** How far one seed's AUC difference can be trusted, from the recorded seeds' spread. */
function seedSpread(): string {
  const at = (variant: string, size: number) => RECORDED.scaling.points.find((p) => p.variant === variant && p.size === size);
  const single = at('single', 4);
  if (!single) return "rerun with another seed (the form's seed field) before reading anything into a small difference.";
  return `over the recorded seeds the test AUC of one configuration varies by about ±${single.testAucSd.toFixed(4)} (1 sd at 4x, single), so a gap smaller than about twice that is within noise.`;
}

const capitalised = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

function recordedTable(): string {
  const pts = RECORDED.scaling.points;
  if (pts.length === 0) return 'No recorded run is shipped with this build.';
  const line = (variant: string) =>
    pts
      .filter((p: RecordedScalingPoint) => p.variant === variant || (p.size === 1 && p.variant === 'single'))
      .sort((a, b) => a.size - b.size)
      .map((p) => `${p.size}x ${auc(p.testAuc)} (IA ${p.meanIa.toFixed(2)})`)
      .join(', ');
  const auc10 = recordedEffect('multi-auc-10x');
  const ia10 = recordedEffect('multi-ia-10x');
  const seeds = auc10?.seeds ?? [];
  return (
    `Recorded run (${RECORDED.command}, ${RECORDED.date.slice(0, 10)}, ${RECORDED.scaling.dataset}, ${auc10?.setting ?? ''}, ${seeds.length} seeds, Bayes AUC ${RECORDED.scaling.bayesTestAuc.toFixed(4)}), mean test AUC and mean IA per size: ` +
    `single ${line('single')}; multi-embedding ${line('multi')}. ` +
    [auc10, ia10].map((e) => (e ? capitalised(recordedVerdict(e, 4)) : '')).join(' ')
  );
}

function steps(f: ScalingFacts | null): LessonStep[] {
  return [
    {
      title: 'Does a bigger embedding help?',
      text:
        'The usual way to scale a recommender is to widen its embeddings. Guo et al. (ICML 2024) found that gains stop early, or reverse, because of the interaction collapse of lesson 2: extra dimensions get squeezed out by the crosses. ' +
        'Their fix, multi-embedding, keeps several independent embedding sets of the base size, each with its own interaction, instead of one wide table. ' +
        `The button runs a small version of their experiment on the lesson dataset: DCNv2 with base dim ${LESSON_SCALING.baseDim} at ${LESSON_SCALING.sizes.join('x, ')}x, once as one wide embedding and once as that many sets, ${EPOCHS} each.`,
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
        "IA/K is the share of the embedding's dimensions in use (lesson 1), averaged over fields; the multi-embedding sets are put side by side (one table of the same total width per field, each row normalised as a whole) so both variants are measured on one scale. " +
        "Neither the paper's code nor RecScope's analysis notebook computes IA for several sets; this way, sets that learn the same directions count once. " +
        (f ? iaText(f) : NOT_RUN),
      preset: SCALING_PRESET,
      chart: { selector: '[data-testid="scaling-ia-chart"]', name: 'mean IA vs size' },
      lookFor: `The chart plots mean IA itself, not divided by K: a line that grows much slower than the size (here ${LESSON_SCALING.sizes.join('x to ')}x) means the added width is mostly unused. Compare the slopes of the two lines.`,
    },
    {
      title: 'The same queue at full size, recorded',
      text:
        "The paper's curves come from full Criteo and Avazu training with several seeds. A live lesson cannot train 10x models over five seeds in a minute, so this build ships a recorded run of the same trainer at 1x, 4x and 10x: " +
        recordedTable(),
      preset: SCALING_PRESET,
      chart: { selector: '[data-testid="dataset-select"]', name: 'the dataset menu' },
      lookFor:
        'To reproduce it, run the command above, or add the 10x size and more seeds in the scaling panel (minutes, not seconds). Whether the gap between the two lines grows with size, and exceeds the spread between seeds.',
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
