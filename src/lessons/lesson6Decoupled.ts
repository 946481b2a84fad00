import { aucStandardError } from './aucNoise.ts';
import { decouplingFacts, type DecouplingFacts } from './decouplingFacts.ts';
import { SEQUENCE_PRESET, SEQUENCE_SWEEP_DIMS } from './lessonPresets.ts';
import type { Lesson, LessonResults, LessonStep } from './lessonTypes.ts';
import { recordedEffect, recordedSentence, recordedVerdict, type EffectId } from './recordedEffects.ts';

const two = (x: number) => x.toFixed(2);
const three = (x: number) => x.toFixed(3);
const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const COMPARE = { id: 'seq-compare', label: 'Train TWIN and DARE on the synthetic sequences (1 epoch each)' } as const;
const SWEEP = { id: 'seq-sweep', label: `Train DARE with attention dim ${SEQUENCE_SWEEP_DIMS.join(', ')}` } as const;
const NOT_RUN = 'Nothing has been trained yet: press the button in the first step, and this text fills in with the numbers of your run.';
/** The preset's dataset and its size, as the Sequences view's runs record them. */
const DATASET = String(SEQUENCE_PRESET.sds);
const USERS = Number(SEQUENCE_PRESET.susers);

/** The first effect with its provenance, the others (same run) as further verdicts. */
function recordedTogether(ids: EffectId[]): string {
  const [first, ...rest] = ids.map((id) => recordedEffect(id)).filter((e) => e !== null);
  if (!first) return '';
  return [recordedSentence(first), ...rest.map((e) => `In the same run: ${recordedVerdict(e)}`)].join(' ');
}

function correlationText(f: DecouplingFacts): string {
  const d = f.dare.spearman - f.twin.spearman;
  const verdict =
    d > 0
      ? `DARE's attention table ranks the cells closer to the ground truth (${signed(d)} in ρ).`
      : `In this run DARE's attention table does not rank the cells closer to the ground truth than TWIN's shared table (${signed(d)} in ρ): one seed does not show the paper's effect.`;
  return `Spearman's ρ of the learned correlation with the ground truth, averaged over the top target categories: TWIN ${three(f.twin.spearman)}, DARE ${three(f.dare.spearman)} (seed ${f.twin.seed}). ${verdict} ${recordedTogether(['seq-correlation'])}`;
}

function conflictText(f: DecouplingFacts): string {
  const c = f.conflict;
  if (!c || !Number.isFinite(c.share)) return 'This TWIN run recorded no gradients on its shared category rows.';
  const share =
    c.share >= CONFLICT_BAR
      ? `${pct(c.share)} of the (step, category row) pairs have attention and representation gradients pointing apart (cosine below 0): on those rows one role's update undoes part of the other's.`
      : `Only ${pct(c.share)} of the (step, category row) pairs have opposed gradients, under ${pct(CONFLICT_BAR)}: this run does not show much conflict.`;
  const ratio = Number.isFinite(c.normRatio)
    ? c.normRatio > 1
      ? ` The representation gradient is ${two(c.normRatio)} times the attention gradient in norm, so representation dominates what the shared rows learn.`
      : ` The representation gradient is ${two(c.normRatio)} times the attention gradient in norm: this run does not show representation dominating.`
    : '';
  return `Over TWIN's run (${c.cosines} row gradients observed), ${share}${ratio} ${recordedTogether(['seq-conflict', 'seq-domination'])}`;
}

/** Below this share of conflicting pairs the lesson does not call it conflict (chosen before any measurement). */
const CONFLICT_BAR = 0.1;

function outcomeText(f: DecouplingFacts, results: LessonResults): string {
  const summary = results.seqDataset.summary;
  const d = f.dare.auc - f.twin.auc;
  const test = summary?.rows.test ?? 0;
  const positives = Math.round(test * (summary?.positiveRate ?? NaN));
  const se = test > 0 && positives > 0 ? aucStandardError(f.twin.auc, positives, test - positives) : NaN;
  const auc = !Number.isFinite(se)
    ? `Test AUC: TWIN ${three(f.twin.auc)}, DARE ${three(f.dare.auc)}.`
    : Math.abs(d) <= 2 * se
      ? `Test AUC: TWIN ${three(f.twin.auc)}, DARE ${three(f.dare.auc)}: the difference (${signed(d)}) is within two standard errors of an AUC on ${test.toLocaleString('en')} test samples (±${three(2 * se)}), so this run does not show one beating the other.`
      : d > 0
        ? `Test AUC: TWIN ${three(f.twin.auc)}, DARE ${three(f.dare.auc)}: DARE is ahead by ${signed(d)}, more than two standard errors (${three(2 * se)}).`
        : `Test AUC: TWIN ${three(f.twin.auc)}, DARE ${three(f.dare.auc)}: TWIN is ahead by ${signed(-d)}, more than two standard errors (${three(2 * se)}); decoupling does not pay off in this run.`;
  const bayes = summary?.bayesAuc !== undefined ? ` The best any model can do here (Bayes AUC) is ${three(summary.bayesAuc)}.` : '';
  const search = `Search quality (top ${20} of each test history): TWIN finds ${pct(f.twin.overlap)} of the ground-truth top behaviours and ${pct(f.twin.captured)} of their information, DARE ${pct(f.dare.overlap)} and ${pct(f.dare.captured)}.`;
  return `${auc}${bayes} ${search} ${recordedTogether(['seq-auc', 'seq-search-overlap', 'seq-search-captured'])}`;
}

function sweepText(f: DecouplingFacts | null): string {
  const points = f?.sweep.filter((p) => Number.isFinite(p.auc)) ?? [];
  const quarter = recordedEffect('seq-attention-quarter-auc');
  const recorded = quarter
    ? ` ${recordedSentence(quarter)}${Math.abs(quarter.mean) <= quarter.sd ? ' The recorded difference is within the seed spread: no measurable AUC cost.' : ''}`
    : '';
  if (points.length < 2) return `Press the button to train DARE at three attention dims; this text then compares them.${recorded}`;
  const full = points[0];
  const small = points[points.length - 1];
  const faster = Number.isFinite(full.searchMs) && Number.isFinite(small.searchMs) && small.searchMs > 0;
  const speed = faster
    ? `The search stage took ${two(full.searchMs)} ms per batch at attention dim ${full.attentionDim} and ${two(small.searchMs)} ms at dim ${small.attentionDim}${small.searchMs < full.searchMs ? ` (${two(full.searchMs / small.searchMs)}× faster, measured in this browser)` : ': not faster here (at this size the search is cheap next to the rest of the step)'}.`
    : '';
  return `${points.map((p) => `attention dim ${p.attentionDim}: AUC ${three(p.auc)}`).join('; ')}. ${speed}${recorded}`;
}

function steps(f: DecouplingFacts | null, results: LessonResults): LessonStep[] {
  return [
    {
      title: 'One embedding, two jobs',
      text:
        'Long-sequence models such as TWIN first search a user’s history for the behaviours relevant to the target (attention), then pool what they found into the prediction (representation). ' +
        'Both jobs read the same category and item embeddings. Feng et al. (ICLR 2025, "DARE") show that the two jobs pull those embeddings in different directions, and that giving attention its own table fixes the search. ' +
        'The preset generates synthetic behaviour sequences in your browser (12,000 users, 20 samples each) whose label depends on known behaviour categories in a user’s history, so what the search should find is known: for each target, the few behaviours of its partner category among many that do nothing for it. ' +
        'The number of users matters: with 3,000 (the Users setting offers it) the rows, not the models, limit what attention can learn, and the recorded runs there did not separate TWIN and DARE on the learned correlation; with 12,000 they do.',
      preset: SEQUENCE_PRESET,
      action: COMPARE,
      chart: { selector: '[data-testid="seq-queue"], [data-testid="seq-dataset-state"]', name: 'the run queue' },
      lookFor: f ? `TWIN and DARE have finished (seed ${f.twin.seed}).` : 'The queue: TWIN, then DARE.',
    },
    {
      title: 'The ground truth: which behaviours predict the click',
      text:
        'For each target category the heatmap shows, per behaviour category (rows) and position before the target (columns, 1 = most recent), the mutual information between "this behaviour is there" and the click, counted over the training data. ' +
        'The generator paired the signal categories (1 with 2, 4 with 5, 6 with 8, 9 with 10, …): a behaviour of the target’s partner category anywhere in the history raises the click for half the pairs and lowers it for the others; the target’s own category adds only a weak recency effect, and every 4th category is noise. ' +
        'About one behaviour in seven matters to a target, so a search that keeps 20 of 100 has to have learned which category goes with which: a category being most similar to itself does not find its partner.',
      preset: SEQUENCE_PRESET,
      chart: { selector: '[data-testid="seq-heatmap-0"]', name: 'the correlation heatmaps' },
      lookFor:
        'In a signal category’s heatmap, its partner’s row (when the partner is among the rows) dark across the positions, a little colour at the left of its own row (recent, same category), pale rows for the others.',
    },
    {
      title: 'Did attention learn it?',
      text:
        'Beside the ground truth, each model’s learned correlation: the attention score its category and position embeddings give each cell, softmaxed over the matrix. ' +
        (f ? correlationText(f) : NOT_RUN),
      preset: SEQUENCE_PRESET,
      chart: { selector: '[data-testid="seq-spearman"]', name: 'ρ with the ground truth over training' },
      lookFor: 'The learned panels should light up where the ground truth does; ρ rises over training.',
    },
    {
      title: 'Attention and representation fight over one table',
      text:
        'TWIN is trained as it is, but each step its shared category table is observed twice: once through the gradient of the attention role, once through the representation role. ' +
        (f ? conflictText(f) : NOT_RUN),
      preset: SEQUENCE_PRESET,
      chart: { selector: '[data-testid="seq-conflict-histogram"]', name: 'the gradient-cosine histogram' },
      lookFor: 'Mass left of 0 (conflicting updates); the norm ratio above 1 means representation dominates.',
    },
    {
      title: 'Does decoupling help?',
      text: 'DARE gives attention its own table, so the search is trained only by what it is for. ' + (f ? outcomeText(f, results) : NOT_RUN),
      preset: SEQUENCE_PRESET,
      chart: { selector: '[data-testid="seq-auc"]', name: 'test AUC over training' },
      lookFor: 'DARE’s curve at or above TWIN’s; search quality higher for DARE.',
    },
    {
      title: 'A smaller attention table',
      text:
        'The attention table only has to rank behaviours, not represent them, so DARE can make it narrower: the search then multiplies shorter vectors. ' +
        sweepText(f),
      preset: SEQUENCE_PRESET,
      action: SWEEP,
      chart: { selector: '[data-testid="seq-sweep"]', name: 'search time against AUC' },
      lookFor: 'Points moving left (faster search) without dropping (AUC kept).',
    },
  ];
}

export const lesson6: Lesson = {
  id: 6,
  title: 'Attention needs its own embedding (DARE)',
  summary: 'TWIN and DARE on synthetic behaviour sequences: learned vs true correlation, conflicting gradients, search quality, a smaller attention table.',
  steps(_tables, results) {
    return steps(decouplingFacts(results.seqRuns, DATASET, USERS), results);
  },
};
