import type { ScalingSettings } from '../state/trainingSlice.ts';
import type { LessonPreset } from './lessonTypes.ts';

/** The tiny CTR dataset with small, fast settings: a run takes seconds on a laptop CPU. */
export const TINY_TRAIN: LessonPreset = {
  view: 'train',
  tds: 'synthetic-ctr-tiny',
  tsets: 1,
  tsize: 1,
  tmlp: '32',
  tlr: 0.01,
  twd: 1e-6,
  tbs: 128,
  tpat: 0,
  tseed: 1,
};

/** Lesson 2: DCNv2 with dim 8, three epochs, a spectrum and interaction matrix every 5 steps. */
export const INTERACTION_PRESET: LessonPreset = { ...TINY_TRAIN, tmodel: 'dcnv2', tdim: 8, tep: 3, teval: 10, tsnap: 5 };

/** Lesson 3: the scaling queue's own settings (not in the URL): six short DCNv2 runs. */
export const LESSON_SCALING: ScalingSettings = { kind: 'dcnv2', baseDim: 4, sizes: [1, 2, 4], variants: ['single', 'multi'], epochs: 3, seeds: 1 };
export const SCALING_PRESET: LessonPreset = { ...TINY_TRAIN, tmodel: 'dcnv2', tdim: 4, tep: 3, teval: 0, tsnap: 0 };

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

/** Lesson 5: strongly conflicting item preferences; the conflict measure trains five models briefly. */
export const CONFLICT_PRESET: LessonPreset = { ...DOMINANCE_PRESET, mds: 'synthetic-mtl-conflict', msteps: 100, mcsteps: 60 };
