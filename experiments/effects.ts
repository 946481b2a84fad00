/**
 * The five phenomena of issue 12, each measured on one seed with the studio's own trainers (the
 * same calls the Train and Multi-task workers make). Each returns the effect size for that seed,
 * signed so that the paper's direction is `direction`; effectStats.ts summarises seeds.
 *
 *   1. collapse: mean IA/K of the trained table minus at initialisation (paper: negative);
 *   2. interaction collapse (DCNv2): mean IA of the low-cardinality field's planted partners
 *      trained with that field minus without it (paper: negative);
 *   3. multi-embedding at a size: mean IA (all sets side by side) of multi minus single (paper:
 *      positive), and test AUC of multi minus single (paper: positive where single saturates);
 *   4. task dominance: the top shared layer's largest mean rAU under Adam (paper: >= 0.7), AdaTask's
 *      largest share there minus Adam's (toward 1/T: negative), the AUC gain of the task Adam
 *      starves there (positive);
 *   5. entanglement: share of conflict pairs STEM separates minus the best shared table (positive).
 */
import type { FieldResult } from '../src/contracts/tables.ts';
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { DEFAULT_MODEL_CONFIG, type ModelConfig, type TrainConfig } from '../src/contracts/modelConfig.ts';
import type { MultiTaskKind, MultiTaskOptimizerKind } from '../src/contracts/multitaskConfig.ts';
import { scalingRuns, type ScalingPoint } from '../src/analysis/scalingPlan.ts';
import { runScalingPoint } from '../src/models/scalingExperiment.ts';
import { createTrainer } from '../src/models/trainer.ts';
import { measureConflictPairs } from '../src/models/multitask/conflictPairs.ts';
import { createMultiTaskTrainer, type MultiTaskTrainer } from '../src/models/multitask/multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG } from '../src/models/multitask/types.ts';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = (f: FieldResult) => f.information_abundance / f.dim;
const change = (f: { init: number; trained: number }) => f.trained - f.init;

/** A CTR run as the Train tab configures it (model + training), minus the per-seed parts. */
export interface CtrSetup {
  model: Omit<ModelConfig, 'seed'>;
  train: Omit<TrainConfig, 'seed'>;
}

export interface CollapseSeed {
  seed: number;
  steps: number;
  testAuc: number;
  /** Per field (rows >= K only): IA/K at initialisation and after training. */
  fields: { name: string; rows: number; init: number; trained: number }[];
  /** Mean trained IA/K minus mean initial IA/K over those fields. */
  effect: number;
  /** Fields below IA/K 0.25 after training / at initialisation. */
  collapsedTrained: number;
  collapsedInit: number;
  /** Change of IA/K (trained minus init) of the field with the most rows minus that of the field with the fewest (rows >= K): negative when the large field collapses more. */
  largeVsSmall: number;
  seconds: number;
}

/** Trains one CTR run to its end and measures its first table's spectrum at init and at the last step (what the studio's IA lines show). */
export async function measureCollapse(data: CtrDataset, setup: CtrSetup, seed: number): Promise<CollapseSeed> {
  const t0 = performance.now();
  const trainer = createTrainer(data, { ...setup.model, seed }, { ...setup.train, seed });
  try {
    const [init] = await trainer.spectrumSnapshot();
    while (!trainer.state.done) await trainer.runSteps(50);
    const [trained] = await trainer.spectrumSnapshot();
    const K = init[0].dim;
    const fields = init.map((f, i) => ({ name: f.name, rows: f.rows, init: ratio(f), trained: ratio(trained[i]) })).filter((f) => f.rows >= K);
    if (!Number.isNaN(trainer.state.bestValidAuc)) trainer.restoreBest();
    const test = await trainer.evaluate('test');
    return {
      seed,
      steps: trainer.state.step,
      testAuc: test.auc,
      fields,
      effect: mean(fields.map((f) => f.trained)) - mean(fields.map((f) => f.init)),
      collapsedTrained: fields.filter((f) => f.trained < 0.25).length,
      collapsedInit: fields.filter((f) => f.init < 0.25).length,
      largeVsSmall: change(fields.reduce((a, b) => (b.rows > a.rows ? b : a))) - change(fields.reduce((a, b) => (b.rows < a.rows ? b : a))),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    trainer.dispose();
  }
}

/** The dataset without one field (its column dropped; labels and planted pairs of the rest kept). */
export function withoutField(data: CtrDataset, drop: number): CtrDataset {
  const F = data.fields.length;
  const split = (s: CtrDataset['train']) => {
    const indices = new Int32Array(s.rows * (F - 1));
    for (let r = 0; r < s.rows; r++) {
      let o = r * (F - 1);
      for (let f = 0; f < F; f++) if (f !== drop) indices[o++] = s.indices[r * F + f];
    }
    return { ...s, indices };
  };
  const shift = (f: number) => (f > drop ? f - 1 : f);
  return {
    ...data,
    name: `${data.name} without ${data.fields[drop].name}`,
    fields: data.fields.filter((_, f) => f !== drop),
    train: split(data.train),
    valid: split(data.valid),
    test: split(data.test),
    plantedPairs: data.plantedPairs?.filter(([i, j]) => i !== drop && j !== drop).map(([i, j]) => [shift(i), shift(j)] as [number, number]),
  };
}

export interface InteractionSeed {
  seed: number;
  /** The dropped field: the one with the fewest values. */
  field: string;
  partners: string[];
  /** Mean IA of the partners at the end of the run, with and without the field. */
  withField: number;
  withoutField: number;
  effect: number;
  /** With the field: mean over partners of their IA as seen by the field (interaction matrix column) and by the other fields. */
  seenByField: number;
  seenByOthers: number;
  /**
   * The control: the other planted pairs (not involving the field), each side as seen by the
   * other, averaged. A planted low-rank cross is low-rank whatever the fields' sizes, so the
   * field's own drag is seenByField minus this, not minus seenByOthers alone.
   */
  seenByOtherPlanted: number;
  seconds: number;
}

async function finalIa(
  data: CtrDataset,
  setup: CtrSetup,
  seed: number,
): Promise<{ ia: Map<string, number>; matrix: { fields: string[]; ia: number[][] } | null }> {
  const trainer = createTrainer(data, { ...setup.model, seed }, { ...setup.train, seed });
  try {
    while (!trainer.state.done) await trainer.runSteps(50);
    const [fields] = await trainer.spectrumSnapshot();
    const matrix = trainer.model.crossWeights ? await trainer.interactionCollapse(0) : null;
    return { ia: new Map(fields.map((f) => [f.name, f.information_abundance])), matrix };
  } finally {
    trainer.dispose();
  }
}

/** The same DCNv2 run with and without the lowest-cardinality field: do its planted partners lose IA because of it? */
export async function measureInteraction(data: CtrDataset, setup: CtrSetup, seed: number): Promise<InteractionSeed> {
  const t0 = performance.now();
  const low = data.fields.reduce((best, f, i) => (f.cardinality < data.fields[best].cardinality ? i : best), 0);
  const partnerIdx = (data.plantedPairs ?? []).filter(([i, j]) => i === low || j === low).map(([i, j]) => (i === low ? j : i));
  if (partnerIdx.length === 0) throw new RangeError(`${data.name}: field ${data.fields[low].name} has no planted partner`);
  const partners = partnerIdx.map((p) => data.fields[p].name);
  const a = await finalIa(data, setup, seed);
  const b = await finalIa(withoutField(data, low), setup, seed);
  const withField = mean(partners.map((p) => a.ia.get(p)!));
  const without = mean(partners.map((p) => b.ia.get(p)!));
  const m = a.matrix!;
  const seenByField = mean(partnerIdx.map((p) => m.ia[p][low]));
  const seenByOthers = mean(partnerIdx.map((p) => mean(m.ia[p].filter((_, j) => j !== low && j !== p))));
  const otherPlanted = (data.plantedPairs ?? []).filter(([i, j]) => i !== low && j !== low);
  const seenByOtherPlanted = otherPlanted.length > 0 ? mean(otherPlanted.flatMap(([i, j]) => [m.ia[i][j], m.ia[j][i]])) : NaN;
  return {
    seed,
    field: data.fields[low].name,
    partners,
    withField,
    withoutField: without,
    effect: withField - without,
    seenByField,
    seenByOthers,
    seenByOtherPlanted,
    seconds: (performance.now() - t0) / 1000,
  };
}

export interface ScalingSetup extends CtrSetup {
  baseDim: number;
  sizes: number[];
}

export interface ScalingSeed {
  seed: number;
  points: ScalingPoint[];
  /** Per size > 1: multi minus single in mean IA and in test AUC. */
  bySize: { size: number; iaLead: number; aucLead: number }[];
  seconds: number;
}

/** The scaling queue's runs for one seed (1x once, then single and multi at every other size). */
export async function measureScaling(data: CtrDataset, setup: ScalingSetup, seed: number): Promise<ScalingSeed> {
  const t0 = performance.now();
  const specs = scalingRuns({
    sizes: setup.sizes,
    variants: ['single', 'multi'],
    seeds: [seed],
    model: { ...DEFAULT_MODEL_CONFIG, ...setup.model, embeddingDim: setup.baseDim, seed },
    train: { ...setup.train, seed },
  });
  const points: ScalingPoint[] = [];
  for (const spec of specs) points.push(await runScalingPoint(data, spec));
  const at = (variant: string, size: number) => points.find((p) => p.variant === variant && p.size === size)!;
  const bySize = setup.sizes
    .filter((s) => s > 1)
    .map((size) => ({ size, iaLead: at('multi', size).meanIa - at('single', size).meanIa, aucLead: at('multi', size).testAuc - at('single', size).testAuc }));
  return { seed, points, bySize, seconds: (performance.now() - t0) / 1000 };
}

/** A Multi-task run as the Multi-task tab configures it (the worker's defaults for the model's sizes). */
export interface MtlSetup {
  kind: MultiTaskKind;
  lr: number;
  batchSize: number;
  steps: number;
  beta: number;
  alternative: MultiTaskOptimizerKind;
}

export interface DominanceSeed {
  seed: number;
  tasks: string[];
  /** Every shared layer, bottom to top: mean rAU per task, per optimiser. */
  layers: { layer: string; adam: number[]; alt: number[] }[];
  /** The shared layer where Adam's largest mean rAU is largest, and the top shared layer (what lesson 4 reads first). */
  worst: { layer: string; adam: number; alt: number };
  top: { layer: string; adam: number; alt: number };
  /** The task Adam's top shared layer favours least (the one it starves), and its test AUC under each optimiser. */
  dominated: string;
  dominatedAuc: { adam: number; alt: number };
  aucs: { adam: number[]; alt: number[] };
  seconds: number;
}

function trainArms(data: CtrDataset, setup: MtlSetup, seed: number): { adam: MultiTaskTrainer; alt: MultiTaskTrainer } {
  const config = { ...DEFAULT_MULTI_TASK_CONFIG, kind: setup.kind, seed };
  const options = { lr: setup.lr, batchSize: setup.batchSize, beta: setup.beta, seed };
  const adam = createMultiTaskTrainer(data, config, { ...options, optimizer: 'adam' });
  const alt = createMultiTaskTrainer(data, config, { ...options, optimizer: setup.alternative });
  // The worker steps both arms alternately; each arm's trajectory depends on its own seed only.
  for (let i = 0; i < setup.steps; i++) {
    adam.step();
    alt.step();
  }
  return { adam, alt };
}

/** Adam and the alternative from the same start on the same batches, as the Multi-task tab trains them. */
export function measureDominance(data: CtrDataset, setup: MtlSetup, seed: number): DominanceSeed {
  const t0 = performance.now();
  const arms = trainArms(data, setup, seed);
  try {
    const altLayers = arms.alt.dominance();
    const layers = arms.adam.dominance().map((l, i) => ({ layer: l.layer, adam: l.meanRau, alt: altLayers[i].meanRau }));
    const largest = (l: (typeof layers)[number]) => ({ layer: l.layer, adam: Math.max(...l.adam), alt: Math.max(...l.alt) });
    const worstLayer = layers.reduce((a, b) => (Math.max(...b.adam) > Math.max(...a.adam) ? b : a));
    const topLayer = layers[layers.length - 1];
    // The dominated task: the one Adam gives the smallest share of the top shared layer.
    const low = topLayer.adam.reduce((best, v, k) => (v < topLayer.adam[best] ? k : best), 0);
    const adamAuc = arms.adam.evaluate(data.test).map((m) => m.auc);
    const altAuc = arms.alt.evaluate(data.test).map((m) => m.auc);
    return {
      seed,
      tasks: [...data.tasks],
      layers,
      worst: largest(worstLayer),
      top: largest(topLayer),
      dominated: data.tasks[low],
      dominatedAuc: { adam: adamAuc[low], alt: altAuc[low] },
      aucs: { adam: adamAuc, alt: altAuc },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    arms.adam.dispose();
    arms.alt.dispose();
  }
}

export interface EntanglementSeed {
  seed: number;
  pairs: number;
  conflictPairs: number;
  /** Share of conflict pairs separated, per model. */
  separated: Record<string, number>;
  bestShared: string;
  effect: number;
  /** STEM minus the share two unrelated task tables would separate by chance (40 % x 40 % = 0.16). */
  aboveChance: number;
  seconds: number;
}

/** Far for A (above A's 60th percentile) and near for B (at or below B's 40th) by chance, if the two distances were independent. */
export const CHANCE_SEPARATED = 0.4 * 0.4;

/** The conflict measure as the Multi-task tab runs it: five models, `steps` Adam steps each. */
export function measureEntanglement(data: CtrDataset, setup: { lr: number; batchSize: number; steps: number }, seed: number): EntanglementSeed {
  const t0 = performance.now();
  const kinds = ['single', 'shared-bottom', 'mmoe', 'ple', 'stem'] as const;
  const trained = kinds.map((kind) => {
    const trainer = createMultiTaskTrainer(
      data,
      { ...DEFAULT_MULTI_TASK_CONFIG, kind, seed },
      { optimizer: 'adam', lr: setup.lr, batchSize: setup.batchSize, seed },
    );
    for (let i = 0; i < setup.steps; i++) trainer.step();
    return { name: kind as string, trainer };
  });
  try {
    const [single, ...models] = trained;
    const r = measureConflictPairs(
      data,
      single.trainer.model,
      models.map((x) => ({ name: x.name, model: x.trainer.model })),
    );
    const separated = Object.fromEntries(r.models.map((m) => [m.name, m.separated]));
    const shared = r.models.filter((m) => m.tables[0] === 'shared' && m.name !== 'single-task');
    const best = shared.reduce((a, b) => (b.separated > a.separated ? b : a));
    return {
      seed,
      pairs: r.pairs.users.length,
      conflictPairs: r.conflictCount,
      separated,
      bestShared: best.name,
      effect: separated.stem - best.separated,
      aboveChance: separated.stem - CHANCE_SEPARATED,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    for (const x of trained) x.trainer.dispose();
  }
}
