import { conflictFacts, entanglementByField, type ConflictFacts } from './conflictFacts.ts';
import { CONFLICT_PRESET } from './lessonPresets.ts';
import type { Lesson, LessonResults, LessonStep } from './lessonTypes.ts';
import { recordedEffect, recordedSentence } from './recordedEffects.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const MEASURE = { id: 'mtl-conflicts', label: `Measure conflict pairs (5 models, ${CONFLICT_PRESET.mcsteps} steps each)` } as const;
const TRAIN = { id: 'mtl-train', label: `Train on the conflicting data (${CONFLICT_PRESET.msteps} steps)` } as const;
const NOT_RUN = 'The measure has not run yet: press the button in the first step, and this text fills in with its numbers.';

function separationText(f: ConflictFacts): string {
  const verdict =
    f.stem > f.bestShared.separated
      ? `STEM separates ${pct(f.stem)} of them; the best shared table (${f.bestShared.name}) ${pct(f.bestShared.separated)}.`
      : `In this short run STEM separates ${pct(f.stem)}, no more than the best shared table (${f.bestShared.name}, ${pct(f.bestShared.separated)}): more steps per model are needed to see the effect.`;
  const chance =
    f.stem > CHANCE_SEPARATED
      ? `Two unrelated task tables would separate about ${pct(CHANCE_SEPARATED)} by chance, so STEM's slices have learned the conflict, not just drifted apart.`
      : `That is no more than two unrelated task tables would separate by chance (about ${pct(CHANCE_SEPARATED)}): its slices have not learned the conflict yet.`;
  const e = recordedEffect('stem-vs-shared');
  return `Of ${f.pairs} frequent test (user, item) pairs, ${f.conflictPairs} are conflict pairs (${f.steps} steps per model). ${verdict} ${chance}${e ? ` ${recordedSentence(e)}` : ''}`;
}

/** Far for one task (above its 60th percentile) and near for the other (at or below its 40th) by chance, were the two distances independent. */
const CHANCE_SEPARATED = 0.4 * 0.4;

function entanglementText(results: LessonResults): string {
  const run = results.mtlRun;
  if (!run || run.status !== 'done' || run.form.datasetId !== CONFLICT_PRESET.mds) return 'Train on this dataset with the ▶ button below to fill in this step.';
  const fields = entanglementByField(run.fields, run.snapshots);
  if (fields.length === 0) return 'This run recorded no gradients on the shared embedding.';
  const lo = fields[0];
  const hi = fields[fields.length - 1];
  // Below zero by more than twice its standard error over the run's snapshots: not noise around 0.
  const opposed = fields.filter((x) => x.cosine + 2 * x.se < 0);
  const noise = `by more than twice its standard error over the run's ${lo.snapshots} snapshots`;
  const verdict =
    opposed.length > 0
      ? `The tasks pull apart on ${opposed.map((x) => x.field).join(', ')} (below zero ${noise}): those shared rows are where entanglement costs, and where STEM's task slices help.`
      : `No field's cosine is below zero ${noise}: the tasks' gradients do not measurably oppose each other on the shared rows here, so this run does not show entanglement in the gradients (the conflict-pair measure above can still show it in the distances).`;
  const lowest = opposed.includes(lo) ? 'the most opposed' : 'the lowest';
  return `Averaged over the run (Adam), the two tasks' gradients on ${lo.field}'s rows have cosine ${lo.cosine.toFixed(2)} ± ${lo.se.toFixed(2)}, ${lowest}; on ${hi.field} ${hi.cosine.toFixed(2)}. ${verdict}`;
}

function steps(f: ConflictFacts | null, results: LessonResults): LessonStep[] {
  return [
    {
      title: 'One embedding cannot please two opposite tasks',
      text:
        'When two tasks disagree about which items a user likes, a shared embedding has to place each (user, item) pair at one distance for both. ' +
        'Su et al. (AAAI 2024, "STEM") call this interest entanglement; gating networks (MMoE, PLE) mix layers above the embedding and cannot undo it. ' +
        'STEM gives each task its own embedding slice plus a shared one, so a pair can be far for one task and near for the other. ' +
        'The preset switches to synthetic data whose two tasks have strongly anti-correlated item preferences (ρ = −0.8).',
      preset: CONFLICT_PRESET,
      action: MEASURE,
      chart: { selector: '[data-testid="conflict-status"]', name: 'the conflict measure status' },
      lookFor: f ? `The measure is done: ${f.conflictPairs} conflict pairs.` : 'The status line: which of the five models is training.',
    },
    {
      title: 'Conflict pairs: far for one task, near for the other',
      text:
        "Single-task models define the truth: a conflict pair is one the first task's model puts far apart (above its 60th percentile distance) and the second puts close (at or below its 40th). " +
        'Each shared-embedding model is then asked the same question with its one table; STEM with its two task slices. ' +
        (f ? separationText(f) : NOT_RUN),
      preset: CONFLICT_PRESET,
      chart: { selector: '[data-testid="distance-histograms"]', name: 'the distance histograms' },
      lookFor:
        'Per model and task, conflict pairs (coloured) against all pairs: for STEM, conflict pairs should sit at the far end for one task and the near end for the other.',
    },
    {
      title: 'Both distances at once',
      text: "The joint histogram plots each conflict pair's distance under the first task's table (x) against the second's (y). A shared table can only put pairs on the diagonal; separated pairs sit in the upper-left or lower-right.",
      preset: CONFLICT_PRESET,
      chart: { selector: '[data-testid="joint-histogram"]', name: 'the joint histograms' },
      lookFor: 'Mass off the diagonal in the STEM panel only.',
    },
    {
      title: 'Where the gradients fight',
      text:
        "During ordinary training the same conflict shows up as opposing gradients: the cosine of the two tasks' gradients on each field's embedding rows. " +
        entanglementText(results),
      preset: CONFLICT_PRESET,
      action: TRAIN,
      chart: { selector: '[data-testid="entanglement-heatmap"]', name: 'the entanglement heatmap' },
      lookFor: "Red (negative) cells: fields whose shared rows the two tasks pull in opposite directions; those are the rows STEM's task slices relieve.",
    },
  ];
}

export const lesson5: Lesson = {
  id: 5,
  title: 'When tasks disagree: interest entanglement (STEM)',
  summary: "Conflict pairs measured on five models: shared tables cannot separate them, STEM's task slices can.",
  steps(_tables, results) {
    const r = results.mtlConflict.phase === 'done' ? results.mtlConflict.result : null;
    return steps(r ? conflictFacts(r) : null, results);
  },
};
