/**
 * Measures all five phenomena over seeds at one set of settings and returns them as a run record
 * (src/lessons/recordedEffects.ts): what `experiments:record` ships and `experiments:check` tests.
 */
import type { EffectId, RecordedEffect, RecordedEffects, RecordedScalingPoint } from '../src/lessons/recordedEffects.ts';
import { loadBuiltinDataset } from './builtinDataset.ts';
import { summarizeEffect } from './effectStats.ts';
import { measureCollapse, measureDominance, measureEntanglement, measureInteraction, measureScaling, type CtrSetup, type ScalingSeed } from './effects.ts';
import type { LIVE } from './effectSettings.ts';
import { describeReading, loadSequenceDataset, measureSequenceSeed, truthOf } from './sequenceEffects.ts';

export type EffectSettings = typeof LIVE;
export type Phenomenon = keyof EffectSettings;
export const PHENOMENA: readonly Phenomenon[] = ['collapse', 'interaction', 'scaling', 'dominance', 'entanglement', 'sequence'];

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
};

const MODEL_NAMES: Record<string, string> = { dnn: 'DNN', dcnv2: 'DCNv2' };

function ctrWords(s: CtrSetup): string {
  return `${MODEL_NAMES[s.model.kind] ?? s.model.kind} dim ${s.model.embeddingDim}, ${s.train.epochs} epochs, lr ${s.train.lr}, batch ${s.train.batchSize}`;
}

function effect(
  id: EffectId,
  name: string,
  direction: 1 | -1,
  values: number[],
  context: { dataset: string; setting: string; seeds: number[] },
  threshold = 0,
): RecordedEffect {
  const s = summarizeEffect(values, direction, threshold);
  return { id, name, direction, threshold, ...context, values: s.values, mean: s.mean, sd: s.sd, agree: s.agree, holds: s.holds };
}

export interface Timing {
  phenomenon: Phenomenon;
  /** Seconds of the first seed: one live run of the lesson at these settings. */
  firstSeedSeconds: number;
  totalSeconds: number;
}

export interface MeasuredEffects {
  effects: RecordedEffect[];
  scaling: RecordedEffects['scaling'] | null;
  timings: Timing[];
}

/** Runs the chosen phenomena over the seeds; `log` gets one line per seed. */
export async function measureEffects(
  settings: EffectSettings,
  seeds: number[],
  which: readonly Phenomenon[] = PHENOMENA,
  log: (line: string) => void = () => {},
): Promise<MeasuredEffects> {
  const effects: RecordedEffect[] = [];
  const timings: Timing[] = [];
  let scaling: MeasuredEffects['scaling'] = null;
  const f3 = (x: number) => x.toFixed(3);
  const timed = async <T extends { seconds: number }>(phenomenon: Phenomenon, run: (seed: number) => Promise<T> | T): Promise<T[]> => {
    const out: T[] = [];
    for (const seed of seeds) out.push(await run(seed));
    timings.push({ phenomenon, firstSeedSeconds: out[0].seconds, totalSeconds: out.reduce((a, r) => a + r.seconds, 0) });
    return out;
  };

  if (which.includes('collapse')) {
    const { dataset, setup } = settings.collapse();
    const { data } = loadBuiltinDataset(dataset);
    const runs = await timed('collapse', async (seed) => {
      const r = await measureCollapse(data, setup, seed);
      log(
        `collapse seed ${seed}: test AUC ${f3(r.testAuc)}, IA/K trained - init ${f3(r.effect)}, largest vs smallest field ${f3(r.largeVsSmall)} (${r.seconds.toFixed(0)} s)`,
      );
      return r;
    });
    const context = { dataset, setting: ctrWords(setup), seeds };
    effects.push(
      effect(
        'collapse-trained',
        'mean IA/K of the trained table minus at initialisation',
        -1,
        runs.map((r) => r.effect),
        context,
      ),
      effect(
        'collapse-large-field',
        'change of IA/K of the field with the most values minus the field with the fewest (at least K values)',
        -1,
        runs.map((r) => r.largeVsSmall),
        context,
      ),
    );
  }

  if (which.includes('interaction')) {
    const { dataset, setup } = settings.interaction();
    const { data } = loadBuiltinDataset(dataset);
    const runs = await timed('interaction', async (seed) => {
      const r = await measureInteraction(data, setup, seed);
      log(
        `interaction seed ${seed}: partners of ${r.field} IA with ${f3(r.withField)} without ${f3(r.withoutField)}; seen by ${r.field} ${f3(r.seenByField)} by others ${f3(r.seenByOthers)}; other planted pairs ${f3(r.seenByOtherPlanted)} (${r.seconds.toFixed(0)} s)`,
      );
      return r;
    });
    const field = runs[0].field;
    const partners = runs[0].partners.join(', ');
    const context = { dataset, setting: ctrWords(setup), seeds };
    effects.push(
      effect(
        'interaction-without-field',
        `mean IA of ${field}'s crossing partners (${partners}) trained with ${field} minus without it`,
        -1,
        runs.map((r) => r.effect),
        context,
      ),
      effect(
        'interaction-column',
        `mean IA of ${partners} as seen by ${field} (its interaction-matrix column) minus as seen by the other fields`,
        -1,
        runs.map((r) => r.seenByField - r.seenByOthers),
        context,
      ),
      effect(
        'interaction-planted-control',
        `mean IA of ${partners} as seen by ${field} minus the other planted pairs as seen by their partner`,
        -1,
        runs.map((r) => r.seenByField - r.seenByOtherPlanted),
        context,
      ),
    );
  }

  if (which.includes('scaling')) {
    const { dataset, setup } = settings.scaling();
    const { data, entry } = loadBuiltinDataset(dataset);
    const runs: ScalingSeed[] = await timed('scaling', async (seed) => {
      const r = await measureScaling(data, setup, seed);
      log(
        `scaling seed ${seed}: ${r.points.map((p) => `${p.variant} ${p.size}x AUC ${f3(p.testAuc)} IA ${p.meanIa.toFixed(2)}`).join('; ')} (${r.seconds.toFixed(0)} s)`,
      );
      return r;
    });
    const setting = `DCNv2 base dim ${setup.baseDim}, sizes ${setup.sizes.join('x, ')}x, ${setup.train.epochs} epochs, lr ${setup.train.lr}, batch ${setup.train.batchSize}`;
    const context = { dataset, setting, seeds };
    const lead = (size: number, pick: 'iaLead' | 'aucLead') => runs.map((r) => r.bySize.find((b) => b.size === size)?.[pick] ?? NaN);
    for (const size of setup.sizes.filter((s) => s === 4 || s === 10)) {
      effects.push(effect(size === 4 ? 'multi-ia-4x' : 'multi-ia-10x', `mean IA at ${size}x, multi-embedding minus single`, 1, lead(size, 'iaLead'), context));
    }
    const top = Math.max(...setup.sizes);
    effects.push(effect('multi-auc-10x', `test AUC at ${top}x, multi-embedding minus single`, 1, lead(top, 'aucLead'), context));
    const points: RecordedScalingPoint[] = [];
    for (const p of runs[0].points) {
      const same = runs.map((r) => r.points.find((q) => q.variant === p.variant && q.size === p.size)!);
      points.push({
        variant: p.variant,
        size: p.size,
        testAuc: mean(same.map((q) => q.testAuc)),
        testAucSd: sd(same.map((q) => q.testAuc)),
        meanIa: mean(same.map((q) => q.meanIa)),
        meanIaSd: sd(same.map((q) => q.meanIa)),
      });
    }
    scaling = { dataset, bayesTestAuc: entry.bayesTestAuc ?? NaN, points };
  }

  if (which.includes('dominance')) {
    const { dataset, setup } = settings.dominance();
    const { data } = loadBuiltinDataset(dataset);
    const runs = await timed('dominance', (seed) => {
      const r = measureDominance(data, setup, seed);
      log(
        `dominance seed ${seed}: ${r.layers.map((l) => `${l.layer} adam [${l.adam.map(f3)}] alt [${l.alt.map(f3)}]`).join(', ')}; ${r.dominated} AUC adam ${f3(r.dominatedAuc.adam)} alt ${f3(r.dominatedAuc.alt)} (${r.seconds.toFixed(0)} s)`,
      );
      return r;
    });
    const context = { dataset, setting: `${setup.kind}, ${setup.steps} steps, lr ${setup.lr}, batch ${setup.batchSize}`, seeds };
    effects.push(
      effect(
        'dominance-adam',
        'under Adam, the largest mean rAU of one task in the most lopsided shared layer',
        1,
        runs.map((r) => r.worst.adam),
        context,
        0.7,
      ),
      effect(
        'dominance-top',
        'under Adam, the largest mean rAU of one task in the top shared layer',
        1,
        runs.map((r) => r.top.adam),
        context,
        0.7,
      ),
      effect(
        'dominance-adatask',
        "in the top shared layer, AdaTask's largest mean rAU minus Adam's (toward 1/T is negative)",
        -1,
        runs.map((r) => r.top.alt - r.top.adam),
        context,
      ),
      effect(
        'dominance-auc',
        'test AUC of the task Adam starves in the top shared layer, AdaTask minus Adam',
        1,
        runs.map((r) => r.dominatedAuc.alt - r.dominatedAuc.adam),
        context,
      ),
    );
  }

  if (which.includes('entanglement')) {
    const { dataset, setup, conflictSteps } = settings.entanglement();
    const { data } = loadBuiltinDataset(dataset);
    const runs = await timed('entanglement', (seed) => {
      const r = measureEntanglement(data, { ...setup, steps: conflictSteps }, seed);
      log(
        `entanglement seed ${seed}: ${r.conflictPairs}/${r.pairs} conflict pairs; separated ${Object.entries(r.separated)
          .map(([k, v]) => `${k} ${f3(v)}`)
          .join(', ')} (${r.seconds.toFixed(0)} s)`,
      );
      return r;
    });
    const context = { dataset, setting: `5 models, ${conflictSteps} Adam steps each, lr ${setup.lr}, batch ${setup.batchSize}`, seeds };
    effects.push(
      effect(
        'stem-vs-shared',
        'share of conflict pairs STEM separates minus the best shared-embedding model',
        1,
        runs.map((r) => r.effect),
        context,
      ),
      effect(
        'stem-vs-chance',
        'share of conflict pairs STEM separates minus 0.16, what two unrelated task tables would separate by chance',
        1,
        runs.map((r) => r.aboveChance),
        context,
      ),
    );
  }
  if (which.includes('sequence')) {
    const { dataset, setup } = settings.sequence();
    const data = loadSequenceDataset(dataset);
    const truth = await truthOf(data);
    const runs = await timed('sequence', (seed) => {
      const r = measureSequenceSeed(data, truth, setup, seed);
      log(`sequence seed ${seed} (${r.seconds.toFixed(0)} s): ${[r.twin, ...r.sweep].map(describeReading).join('; ')}`);
      return r;
    });
    const setting = `TWIN and DARE dim ${setup.dim}, history ${setup.historyLength}, top-k ${setup.topK}, ${setup.epochs} epoch, lr ${setup.lr}, batch ${setup.batchSize}`;
    const context = { dataset: data.source, setting, seeds };
    const dare = (r: (typeof runs)[number]) => r.sweep[0];
    const quarter = (r: (typeof runs)[number]) => r.sweep[r.sweep.length - 1];
    effects.push(
      effect(
        'seq-correlation',
        'mean Spearman of the learned correlation with the ground truth (top 10 target categories), DARE minus TWIN',
        1,
        runs.map((r) => dare(r).spearman - r.twin.spearman),
        context,
      ),
      effect(
        'seq-search-overlap',
        'search overlap with the ground-truth top 20, DARE minus TWIN',
        1,
        runs.map((r) => dare(r).overlap - r.twin.overlap),
        context,
      ),
      effect(
        'seq-search-captured',
        'share of the best ground-truth MI the top 20 capture, DARE minus TWIN',
        1,
        runs.map((r) => dare(r).captured - r.twin.captured),
        context,
      ),
      effect(
        'seq-conflict',
        "share of TWIN's category-row gradient pairs whose attention and representation gradients conflict (cosine < 0), against 0.1",
        1,
        runs.map((r) => r.twin.conflictingShare),
        context,
        0.1,
      ),
      effect(
        'seq-domination',
        "TWIN's mean ||g_repr|| / mean ||g_attn|| on its category rows, against 1",
        1,
        runs.map((r) => r.twin.normRatio),
        context,
        1,
      ),
      effect(
        'seq-auc',
        'test AUC, DARE minus TWIN',
        1,
        runs.map((r) => dare(r).auc - r.twin.auc),
        context,
      ),
      effect(
        'seq-attention-quarter-auc',
        `test AUC, DARE with attention dim ${setup.dim / 4} minus ${setup.dim}`,
        1,
        runs.map((r) => quarter(r).auc - dare(r).auc),
        context,
      ),
    );
  }
  return { effects, scaling, timings };
}
