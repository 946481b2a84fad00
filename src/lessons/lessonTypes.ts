import type { UrlValues } from '../state/urlState.ts';
import type { coreUrlSchema } from '../state/studioUrl.ts';
import type { multitaskUrlSchema } from '../state/multitaskSettings.ts';
import type { StudioState } from '../state/studioStore.ts';
import type { LoadedTable } from '../contracts/tables.ts';
import type { trainingUrlSchema } from '../state/trainingSettings.ts';
import type { sequenceUrlSchema } from '../state/sequenceSettings.ts';

/** URL-state keys a step sets when it opens (never the lesson / step / presenter keys themselves). */
export type LessonPreset = Partial<
  Omit<
    UrlValues<typeof coreUrlSchema & typeof trainingUrlSchema & typeof multitaskUrlSchema & typeof sequenceUrlSchema>,
    'lesson' | 'step' | 'play' | 'slow' | 'big' | 'bare'
  >
>;

/** The results the Train and Multi-task lessons read (the store's runs, scaling queue and conflict measure). */
export type LessonResults = Pick<StudioState, 'trainingRuns' | 'activeRunId' | 'datasetLoad' | 'scaling' | 'mtlRun' | 'mtlConflict' | 'seqRuns' | 'seqDataset'>;

/** Which chart the step reads: a CSS selector of the element to highlight, and its name in words. */
export interface ChartTarget {
  selector: string;
  name: string;
}

/** A step with its claims already filled in from the loaded tables. */
export interface LessonStep {
  title: string;
  /** Plain text for an ML audience that has not read the papers; numbers come from the live results. */
  text: string;
  preset: LessonPreset;
  action?: { id: LessonActionId; label: string };
  chart: ChartTarget;
  lookFor: string;
}

/** The lesson cannot be read yet: what is missing and the action that fixes it. */
export interface LessonBlocked {
  missing: string;
  action: { id: LessonActionId; label: string };
}

export interface Lesson {
  id: number;
  title: string;
  summary: string;
  /** The steps, computed from what is loaded now, or why they cannot be. */
  steps(tables: LoadedTable[], results: LessonResults): LessonStep[] | LessonBlocked;
}

/** A lesson list entry: ready, or waiting for a view this build does not have yet. */
export type LessonEntry = { id: number; title: string; available: true; lesson: Lesson } | { id: number; title: string; available: false; needs: string };

/** The actions a lesson step's button runs (see lessonActions.ts). */
export type LessonActionId = 'load-examples' | 'curves-user-id' | 'train-run' | 'scaling-run' | 'mtl-train' | 'mtl-conflicts' | 'seq-compare' | 'seq-sweep';
