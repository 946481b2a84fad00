/**
 * The settings each phenomenon is measured at: `live` is exactly what the lesson's button runs in
 * the studio (read from src/lessons/lessonPresets.ts through the forms' own converters), `full` the
 * larger run the lesson shows as a recorded run.
 */
import { CONFLICT_PRESET, DOMINANCE_PRESET, INTERACTION_PRESET, LESSON_SCALING, SCALING_PRESET } from '../src/lessons/lessonPresets.ts';
import type { LessonPreset } from '../src/lessons/lessonTypes.ts';
import { DEFAULT_MULTITASK_FORM } from '../src/state/multitaskSlice.ts';
import { DEFAULT_TRAINING_FORM, modelConfigOf, trainConfigOf, type TrainingForm } from '../src/state/trainingSlice.ts';
import type { CtrSetup, MtlSetup, ScalingSetup } from './effects.ts';
import { SEQUENCE_DATASET, type SequenceSetup } from './sequenceEffects.ts';

/** The Train form a preset opens (unset keys keep the form's defaults). */
function trainingForm(p: LessonPreset): TrainingForm {
  const d = DEFAULT_TRAINING_FORM;
  return {
    ...d,
    datasetId: p.tds ?? d.datasetId,
    kind: p.tmodel ?? d.kind,
    sets: p.tsets ?? d.sets,
    dim: p.tdim ?? d.dim,
    sizeMultiplier: p.tsize ?? d.sizeMultiplier,
    mlp: p.tmlp ?? d.mlp,
    lr: p.tlr ?? d.lr,
    weightDecay: p.twd ?? d.weightDecay,
    dropout: p.tdrop ?? d.dropout,
    batchSize: p.tbs ?? d.batchSize,
    epochs: p.tep ?? d.epochs,
    patience: p.tpat ?? d.patience,
    evalEvery: p.teval ?? d.evalEvery,
    seed: p.tseed ?? d.seed,
  };
}

export function ctrSetupOf(p: LessonPreset): { dataset: string; setup: CtrSetup } {
  const form = trainingForm(p);
  // The per-seed parts (ModelConfig.seed, TrainConfig.seed) are set by each measurement.
  return { dataset: form.datasetId, setup: { model: modelConfigOf(form), train: trainConfigOf(form) } };
}

export function mtlSetupOf(p: LessonPreset): { dataset: string; setup: MtlSetup; conflictSteps: number } {
  const d = DEFAULT_MULTITASK_FORM;
  return {
    dataset: p.mds ?? d.datasetId,
    setup: {
      kind: p.mmodel ?? d.model,
      lr: p.mlr ?? d.lr,
      batchSize: p.mbs ?? d.batchSize,
      steps: p.msteps ?? d.steps,
      beta: p.mbeta ?? d.beta,
      alternative: p.mopt ?? d.alternative,
    },
    conflictSteps: p.mcsteps ?? d.conflictSteps,
  };
}

/** Lesson 3's queue: the scaling panel's settings over the preset's form (the studio's startScaling). */
export function liveScaling(): { dataset: string; setup: ScalingSetup } {
  const { dataset, setup } = ctrSetupOf({ ...SCALING_PRESET, tmodel: LESSON_SCALING.kind });
  return {
    dataset,
    setup: {
      model: { ...setup.model, kind: LESSON_SCALING.kind, embeddingSets: 1 },
      train: { ...setup.train, epochs: LESSON_SCALING.epochs },
      baseDim: LESSON_SCALING.baseDim,
      sizes: LESSON_SCALING.sizes,
    },
  };
}

export const LIVE = {
  collapse: () => ctrSetupOf(INTERACTION_PRESET),
  interaction: () => ctrSetupOf(INTERACTION_PRESET),
  scaling: liveScaling,
  dominance: () => mtlSetupOf(DOMINANCE_PRESET),
  entanglement: () => mtlSetupOf(CONFLICT_PRESET),
  sequence: (): { dataset: string; setup: SequenceSetup } => ({
    dataset: SEQUENCE_DATASET,
    setup: { dim: 16, topK: 20, historyLength: 100, lr: 0.003, batchSize: 128, epochs: 1 },
  }),
};

/** The recorded full-size runs: the scaling queue at 1x, 4x and 10x for 3 epochs; the other effects already show at their live size. */
export const FULL = {
  ...LIVE,
  scaling: (): { dataset: string; setup: ScalingSetup } => {
    const live = liveScaling();
    return { dataset: live.dataset, setup: { ...live.setup, train: { ...live.setup.train, epochs: 3 }, sizes: [1, 4, 10] } };
  },
};
