import type { ScalingSettings } from '../state/trainingSlice.ts';
import type { LessonPreset } from './lessonTypes.ts';

/**
 * The lesson dataset (120k generated rows, 8 fields of 3..100 values) with a small DCNv2 that gets
 * within 0.02 of its Bayes AUC in 2 epochs of batch 512 (experiments/README.md, "Effects that show").
 */
export const LESSON_TRAIN: LessonPreset = {
  view: 'train',
  tds: 'synthetic-ctr-lesson',
  tmodel: 'dcnv2',
  tsets: 1,
  tsize: 1,
  tmlp: '32',
  tlr: 0.005,
  twd: 1e-6,
  tdrop: 0,
  tbs: 512,
  tpat: 0,
  tseed: 1,
};

/** Lesson 2: DCNv2 with dim 8, two epochs, a spectrum and interaction matrix every 25 steps. */
export const INTERACTION_PRESET: LessonPreset = { ...LESSON_TRAIN, tdim: 8, tep: 2, teval: 50, tsnap: 25 };

/** Lesson 3: the scaling queue's own settings (not in the URL): 1x, then 4x as one wide table and as 4 sets. */
export const LESSON_SCALING: ScalingSettings = { kind: 'dcnv2', baseDim: 4, sizes: [1, 4], variants: ['single', 'multi'], epochs: 1, seeds: 1 };
export const SCALING_PRESET: LessonPreset = { ...LESSON_TRAIN, tdim: 4, tep: 1, teval: 50, tsnap: 0 };

/** Lesson 4: imbalanced tasks (click 30 %, like 3 %), shared-bottom, Adam vs AdaTask. */
export const DOMINANCE_PRESET: LessonPreset = {
  view: 'multitask',
  mds: 'synthetic-mtl-small',
  mmodel: 'shared-bottom',
  mopt: 'adatask',
  mbeta: 0.9,
  mlr: 3e-3,
  mbs: 256,
  msteps: 150,
  mseed: 1,
};

/**
 * Lesson 5: strongly conflicting item preferences; the conflict measure trains five models for 40
 * steps each (STEM separates 0.455 ± 0.065 of the conflict pairs more than the best shared table
 * at 40 steps, 0.462 ± 0.048 at 60, seeds 1-5: the shorter measure keeps the effect and the live
 * part under a minute).
 */
export const CONFLICT_PRESET: LessonPreset = { ...DOMINANCE_PRESET, mds: 'synthetic-mtl-conflict', msteps: 100, mcsteps: 40 };

/**
 * Lesson 6: TWIN against DARE on the built-in synthetic sequences generated at 12,000 users (the
 * default: at 3,000 the rows bound the models, and the learned correlation did not separate them;
 * experiments/README.md), DARE's attention table at the embedding dim so the comparison is of
 * decoupling alone; history 100 (the search keeps 20 of 100, as in the recorded run) and batch 1024
 * (199 steps per model, lr 0.01 for the larger batch) keep the live part short (the recorded run
 * uses batch 128: experiments/effectSettings.ts). Measured in Node, tfjs wasm, one epoch, seeds 1 / 2
 * (`npm run experiment:sequence -- --seeds 1,2 --batch 1024 --lr 0.01 --divisors 1`): TWIN test AUC
 * 0.6962 / 0.6952, DARE 0.7006 / 0.7007 (Bayes 0.728); Spearman ρ TWIN 0.275 / 0.193, DARE 0.285 / 0.371.
 */
export const SEQUENCE_PRESET: LessonPreset = {
  view: 'sequence',
  sds: 'synthetic-sequences',
  susers: 12000,
  sdim: 16,
  sadim: 16,
  stopk: 20,
  shist: 100,
  slr: 0.01,
  sbs: 1024,
  sep: 1,
  sseed: 1,
  sseeds: 1,
};
/** The attention dims the sweep step trains (the Sequences view's sweep: dim, dim/2, dim/4). */
export const SEQUENCE_SWEEP_DIMS = [16, 8, 4] as const;
