import { aucStandardError } from './aucNoise.ts';
import { dominanceFacts, type DominanceFacts } from './dominanceFacts.ts';
import { DOMINANCE_PRESET } from './lessonPresets.ts';
import type { Lesson, LessonStep } from './lessonTypes.ts';
import { recordedEffect, recordedSentence, recordedVerdict, type EffectId } from './recordedEffects.ts';

const two = (x: number) => x.toFixed(2);
const RUN = { id: 'mtl-train', label: `Train Adam and AdaTask side by side (${DOMINANCE_PRESET.msteps} steps)` } as const;
const NOT_RUN = 'Nothing has been trained yet: press the button in the first step, and this text fills in with the numbers of your run.';

function shareText(f: DominanceFacts): string {
  const t = f.top;
  const even = 1 / f.tasks.length;
  const moved =
    t.alt.rau < t.adam.rau
      ? `AdaTask brings the largest share there down to ${two(t.alt.rau)} (${t.alt.task}), closer to the even ${two(even)}.`
      : `AdaTask does not bring it closer to the even ${two(even)} in this run: its largest share there is ${two(t.alt.rau)} (${t.alt.task}).`;
  const strength =
    t.adam.rau >= DOMINATED_AT
      ? `${t.adam.task} dominates it (${two(DOMINATED_AT)} or more).`
      : `That is short of domination (${two(DOMINATED_AT)}): in this run the top shared layer is not dominated by one task.`;
  const w = f.worst;
  const lower =
    w.layer !== t.layer
      ? ` The most lopsided layer is lower down, ${w.layer}: ${w.adam.task} ${two(w.adam.rau)} under Adam, ${w.alt.task} ${two(w.alt.rau)} under AdaTask.`
      : '';
  return `At step ${f.step}, under Adam the top shared layer (${t.layer}) is driven by ${t.adam.task}: a mean rAU of ${two(t.adam.rau)}; ${strength} ${moved}${lower} ${recordedTogether(['dominance-top', 'dominance-adatask', 'dominance-adam'])}`;
}

/** Below this test AUC a task has barely learned anything yet. */
const BARELY_LEARNED = 0.6;

/** A layer counts as dominated when one task's mean rAU reaches this (issue 12's bar). */
const DOMINATED_AT = 0.7;

function recorded(id: EffectId): string {
  const e = recordedEffect(id);
  return e ? recordedSentence(e) : '';
}

/** The first effect with its provenance, the others (same run) as further verdicts. */
function recordedTogether(ids: EffectId[]): string {
  const [first, ...rest] = ids.map((id) => recordedEffect(id)).filter((e) => e !== null);
  if (!first) return '';
  return [recordedSentence(first), ...rest.map((e) => `In the same run: ${recordedVerdict(e)}`)].join(' ');
}

/** What AdaTask did to the starved task's AUC, read against that AUC's standard error. */
function starvedVerdict(f: DominanceFacts): string {
  const a = f.auc.find((x) => x.task === f.starved);
  if (!a) return '';
  const gain = a.alt - a.adam;
  const se = aucStandardError(a.adam, a.positives, a.rows - a.positives);
  const sign = `${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(4)}`;
  if (Math.max(a.adam, a.alt) < BARELY_LEARNED)
    return `Under both optimisers ${a.task} is still close to chance (AUC 0.5) at step ${f.step}: it has barely started to learn, so this run cannot show whether balance buys it accuracy. `;
  if (gain > 2 * se)
    return `${a.task} is the task Adam starves in the top shared layer, and AdaTask gives it ${sign} AUC, about ${(gain / se).toFixed(1)} standard errors: balancing the updates buys the starved task accuracy. `;
  if (gain < -2 * se)
    return `${a.task} is the task Adam starves in the top shared layer, yet AdaTask costs it ${sign} AUC in this run (${(-gain / se).toFixed(1)} standard errors). `;
  return `${a.task} is the task Adam starves in the top shared layer; AdaTask changes its AUC by ${sign}, within about two standard errors: this run does not show that balance buys it accuracy. `;
}

function aucText(f: DominanceFacts): string {
  if (f.auc.length === 0) return 'No evaluation has arrived yet.';
  const rows = f.auc.map(
    (a) => `${a.task}: Adam ${a.adam.toFixed(4)}, AdaTask ${a.alt.toFixed(4)} (${a.alt >= a.adam ? '+' : '−'}${Math.abs(a.alt - a.adam).toFixed(4)})`,
  );
  const rare = f.auc.reduce((a, b) => (b.positives < a.positives ? b : a));
  const se = aucStandardError(rare.adam, rare.positives, rare.rows - rare.positives);
  return (
    `AUC at the last evaluation. ${rows.join('; ')}. ` +
    `${rare.task} has ${rare.positives} positives in ${rare.rows} rows: its AUC has a standard error of about ${se.toFixed(3)} (Hanley & McNeil), so a gap smaller than about twice that is not evidence either way. ` +
    starvedVerdict(f) +
    recorded('dominance-auc')
  );
}

function steps(f: DominanceFacts | null): LessonStep[] {
  return [
    {
      title: 'One task can take over the shared layers',
      text:
        'A multi-task recommender predicts several labels (click, like, purchase…) from shared embeddings and layers. ' +
        'Yang et al. (AAAI 2023, "AdaTask") observed that with Adam the task with the larger, denser gradients ends up driving most updates of those shared parameters, and the rare task is starved. ' +
        "Their fix keeps Adam's per-parameter step-size statistics separately for each task, so every task's update is normalised on its own scale. " +
        'The preset picks synthetic data with a frequent task (click, 30 % positives) and a rare one (like, 3 %) over 200 users and 400 items, a shared-bottom model whose task outputs start at their base rates, and trains Adam and AdaTask from the same start on the same batches.',
      preset: DOMINANCE_PRESET,
      action: RUN,
      chart: { selector: '[data-testid="mtl-status"]', name: 'the run status' },
      lookFor: f ? `The run has reached step ${f.step}; the charts below are filled in.` : 'The step counter; the charts fill in as it trains.',
    },
    {
      title: 'Task dominance per shared layer',
      text:
        "rAU (relative accumulated update) is each task's share of the recent squared updates a parameter received; averaged over a layer it says which task drives it. With two tasks 0.5 is balance. " +
        (f ? shareText(f) : NOT_RUN),
      preset: DOMINANCE_PRESET,
      chart: { selector: '[data-testid="dominance-chart"]', name: 'the dominance bars' },
      lookFor:
        'Each bar is one layer under one optimiser, split by task. Compare the Adam bar of a layer with the AdaTask bar beside it: a more even split means less dominance.',
    },
    {
      title: 'Does balance buy accuracy?',
      text: f ? aucText(f) : NOT_RUN,
      preset: DOMINANCE_PRESET,
      chart: { selector: '[data-testid="mtl-metrics"]', name: 'the metrics table' },
      lookFor: "The rare task's row: it is the one Adam starves, so it is where balance should show first.",
    },
    {
      title: 'Do the tasks pull the same way?',
      text:
        'The gradient cosine between tasks, per shared layer, says whether they agree (near 1), are unrelated (near 0) or conflict (negative). ' +
        "Dominance matters most when they conflict: then the dominant task's updates undo the other's. This data has mildly conflicting item preferences (ρ = −0.3).",
      preset: DOMINANCE_PRESET,
      chart: { selector: '[data-testid="cosine-matrix"]', name: 'the gradient cosine matrix' },
      lookFor: 'Off-diagonal cells: negative values mark layers where the tasks pull apart.',
    },
  ];
}

export const lesson4: Lesson = {
  id: 4,
  title: 'One task takes over the shared layers (AdaTask)',
  summary: 'Adam vs AdaTask on imbalanced tasks: dominance bars, AUC per task, gradient cosine.',
  steps(_tables, results) {
    const run = results.mtlRun;
    return steps(run && run.status === 'done' ? dominanceFacts(run) : null);
  },
};
