import { interactionFacts, interactionRun, type InteractionFacts } from './interactionFacts.ts';
import { INTERACTION_PRESET } from './lessonPresets.ts';
import type { Lesson, LessonStep } from './lessonTypes.ts';
import { recordedEffect, recordedSentence } from './recordedEffects.ts';

const two = (x: number) => x.toFixed(2);
const EPOCHS = `${INTERACTION_PRESET.tep} epoch${INTERACTION_PRESET.tep === 1 ? '' : 's'}`;
const TRAIN = { id: 'train-run', label: `Train DCNv2 on the lesson dataset (${EPOCHS})` } as const;
const NOT_RUN = 'Nothing has been trained yet: press the ▶ button below (it takes a few seconds), and this text fills in with the numbers of your run.';

/** The paper's claim on this run: the planted partners of the small field, crossed with it vs with the others (experiments/effects.ts measures the same). */
function partnersText(f: InteractionFacts): string {
  const p = f.partners;
  if (!p) return '';
  const names = p.partners.join(', ');
  if (p.seenByField < p.seenByOthers)
    return `The fields planted to cross with ${p.field} (${names}) keep a mean IA of ${two(p.seenByField)} when crossed with it, against ${two(p.seenByOthers)} when crossed with the other fields: lower with it, as the paper's claim predicts (how much of that is the small field itself, the planted-pair control below says). `;
  return `The fields planted to cross with ${p.field} (${names}) keep ${two(p.seenByField)} when crossed with it and ${two(p.seenByOthers)} when crossed with the other fields: this run does not show them squeezed by it. `;
}

function drag(f: InteractionFacts): string {
  const s = f.smallest;
  const head = `The field with the fewest values, ${s.name} (${s.rows} values), has IA ${two(s.ownIa)} of ${f.dim}. The other fields, crossed with it, keep a mean IA of ${two(s.seenBy)}; crossed with the remaining fields they keep ${two(f.othersSeenBy)} on average. `;
  if (f.smallestRank === 1)
    return `${head}Its column is the lowest of all ${f.columns.length}: in this run the weakest field is the one that squeezes the others most.`;
  return (
    `${head}In this run its column ranks ${f.smallestRank} of ${f.columns.length} from the bottom, so cardinality alone does not decide it here: ` +
    `the lowest column is ${f.lowest.name} (${f.lowest.rows} values, own IA ${two(f.lowest.ownIa)}, others crossed with it ${two(f.lowest.seenBy)}). The paper's bound is on the crossing field's own IA, which a small field caps but a large one can also lose in training.`
  );
}

function driftText(f: InteractionFacts): string {
  const [top] = f.drift;
  const rose = f.drift.filter((d) => d.last > d.first).map((d) => d.name);
  return (
    `Over this run (to step ${f.steps}) ${top.name} (${top.rows} values) lost the most: IA ${two(top.first)} at the first snapshot, ${two(top.last)} at the last. ` +
    (rose.length > 0 ? `IA rose for ${rose.join(', ')}.` : 'No field gained IA.')
  );
}

/** What the IA lines of this run show: which fields lost IA from initialisation, and which did not. */
function lineVerdict(f: InteractionFacts): string {
  const fell = f.drift.filter((d) => d.last < d.first);
  if (fell.length === 0) return 'In this run no field ends below its starting IA: the run shows no collapse.';
  const [top] = f.drift;
  return `In this run ${fell.length} of ${f.drift.length} fields end below where they started; ${top.name} (${top.rows} values) fell most, ${two(top.first)} to ${two(top.last)}.`;
}

/** The fair comparison: other planted crosses are low-rank too, whatever their fields' sizes. */
function plantedControl(): string {
  const e = recorded('interaction-planted-control');
  return e
    ? `The other planted crosses (f2 with f5, f3 with f4) come out low in the matrix too: a planted cross is low-rank whatever its fields' sizes, so the small field's own drag is the difference from them. ${e}`
    : '';
}

function recorded(id: 'interaction-column' | 'interaction-without-field' | 'interaction-planted-control'): string {
  const e = recordedEffect(id);
  return e ? recordedSentence(e) : '';
}

function steps(f: InteractionFacts | null): LessonStep[] {
  return [
    {
      title: 'Feature crosses share their dimensions',
      text:
        "DCNv2, like most CTR models, learns explicit crosses between fields: its first cross layer multiplies every field's embedding by a matrix block W[j,i] for every other field j. " +
        'Guo et al. (ICML 2024, "On the Embedding Collapse when Scaling up Recommendation Models") showed that the product can only be as rich as the poorer of the two: if field j spans few directions, field i seen through j spans few too, and training pushes i\'s own embedding down with it. ' +
        'A field with 3 possible values can span at most 3 directions, however large K is. ' +
        `The preset picks the lesson dataset (120k generated rows, 8 fields with 3 to 100 values; the 3-valued field f1 is planted to interact with the three largest, f6, f7 and f8) and a small DCNv2 with K = 8 that gets within 0.02 of the data's best possible AUC in ${EPOCHS}.`,
      preset: INTERACTION_PRESET,
      action: TRAIN,
      chart: { selector: '[data-testid="train-status"]', name: 'the run status' },
      lookFor: f ? `The run finished at step ${f.steps}; the charts below are filled in.` : NOT_RUN,
    },
    {
      title: "Each field's IA while it trains",
      text: "Information abundance (IA = Σ sᵢ / s₁ over a field's row-normalised embedding; lesson 1) is taken every 5 steps. " + (f ? driftText(f) : NOT_RUN),
      preset: INTERACTION_PRESET,
      chart: { selector: '[data-testid="ia-lines"]', name: 'the IA-over-steps lines' },
      lookFor: f
        ? `One line per field, from its value at initialisation (step 0). ${lineVerdict(f)}`
        : "One line per field. Fields with fewer than K values sit at or below their value count from the start; watch whether the large fields' lines fall.",
    },
    {
      title: 'The interaction matrix: field i as seen by field j',
      text:
        "Cell (i, j) is the IA of field i's rows after W[j,i] projects them for field j. Read a column top to bottom: how much spread every field keeps when it is crossed with field j. " +
        (f ? `${partnersText(f)}${drag(f)} ${recorded('interaction-column')} ${plantedControl()}` : NOT_RUN),
      preset: INTERACTION_PRESET,
      chart: { selector: '[data-testid="interaction-matrix"]', name: 'the interaction matrix' },
      lookFor: f
        ? `The colour runs from dark (IA 1) to yellow (IA ${f.dim}). The ${f.smallest.name} column against the others${f.lowest === f.smallest ? ': it is the darkest' : `, and the ${f.lowest.name} column, the darkest overall`}.`
        : 'Dark columns (low IA): fields that make every field crossed with them look low-dimensional.',
    },
    {
      title: 'What this means for scaling',
      text:
        'Raising K gives every table more columns, but a field crossed with a 3-valued field still gets at most 3 useful directions out of that cross. ' +
        'The paper reads this as why bigger embeddings stop paying off, and its fix (next lesson) gives each cross several independent embedding sets instead of one bigger one. ' +
        "On this dataset the recorded runs do not isolate the small field's own drag (step 3: the other planted crosses come out as low or lower), so treat the claim as the paper's, not as shown here. " +
        'To see it here, set dim to 16 or 32 in the form and train again: compare the interaction matrix of the two runs. ' +
        recorded('interaction-without-field') +
        ' Read that comparison with care: dropping f1 also takes away the signal its partners learn by crossing with it, so it mixes two causes; the column comparison of step 3 keeps the data fixed.',
      preset: INTERACTION_PRESET,
      chart: { selector: '[data-testid="embedding-dim-input"]', name: 'the dim field of the form' },
      lookFor: f
        ? `Whether ${f.smallest.name}'s column stays ${f.smallestRank === 1 ? 'the darkest' : 'as dark'} when K grows: in this run it is ${two(f.smallest.seenBy)} at K = ${f.dim}, ${f.smallestRank === 1 ? 'the lowest column' : `rank ${f.smallestRank} of ${f.columns.length} from the bottom, not the lowest`}.`
        : 'Whether the darkest (lowest-IA) columns stay dark when K grows.',
    },
  ];
}

export const lesson2: Lesson = {
  id: 2,
  title: 'Interaction collapse: does a weak field drag others down?',
  summary:
    "Train a small DCNv2 and read its interaction matrix: the paper's claim that crossing with a low-IA field limits every other field, and what this run and the recorded control show of it.",
  steps(_tables, results) {
    const run = interactionRun(results.trainingRuns, results.activeRunId);
    return steps(run && run.status !== 'running' && run.status !== 'paused' ? interactionFacts(run) : null);
  },
};
