import { buildExampleTables, COLLAPSED_SOURCE, HEALTHY_SOURCE } from '../examples/exampleTables.ts';
import type { MultitaskController } from '../state/multitaskController.ts';
import { curveKey, type StudioState, type StudioStore } from '../state/studioStore.ts';
import type { TrainingController } from '../state/trainingController.ts';
import type { SequenceController } from '../state/sequenceController.ts';
import { LESSON_SCALING } from './lessonPresets.ts';
import type { LessonActionId } from './lessonTypes.ts';

/** "Run this" buttons of lesson steps, by name, so a lesson is plain data. */

/** The views' controllers, created on first use (the panel passes the page's; tests pass fakes). */
export interface LessonActionContext {
  training: () => TrainingController;
  multitask: () => MultitaskController;
  sequence: () => SequenceController;
}

/** Resolves once the store satisfies `ready` (at once if it already does). */
export function whenState(store: StudioStore, ready: (s: StudioState) => boolean): Promise<void> {
  if (ready(store.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = store.subscribe((s) => {
      if (!ready(s)) return;
      stop();
      resolve();
    });
  });
}

/** Adds whichever built-in example is not loaded (they regenerate identically every time). */
function loadExamples(store: StudioStore): void {
  const loaded = new Set(
    store
      .getState()
      .tables.filter((t) => t.origin === 'example')
      .map((t) => t.source),
  );
  for (const t of buildExampleTables()) if (!loaded.has(t.source)) store.getState().addTable(t);
}

/** Overlays the user_id spectrum of the healthy and the collapsed example, nothing else. */
function curvesUserId(store: StudioStore): void {
  const ids = [HEALTHY_SOURCE, COLLAPSED_SOURCE].map((src) => store.getState().tables.find((t) => t.origin === 'example' && t.source === src)?.id);
  store.getState().setCurveSelection(ids.filter((id) => id !== undefined).map((id) => curveKey(id, 'user_id')));
}

/** Trains the Train form as the step's preset left it, once the dataset list has arrived. */
async function trainRun(store: StudioStore, ctx: LessonActionContext): Promise<void> {
  const training = ctx.training();
  // The preset opened the Train view, whose mount reads the dataset list.
  await whenState(store, (s) => s.datasetIndex.length > 0);
  await training.train();
}

/** The lesson's small scaling queue (sizes 1x, 2x, 4x; single vs multi-embedding; one epoch each). */
async function scalingRun(store: StudioStore, ctx: LessonActionContext): Promise<void> {
  const training = ctx.training();
  await whenState(store, (s) => s.datasetIndex.length > 0);
  store.getState().setScaling({ settings: { ...LESSON_SCALING, sizes: [...LESSON_SCALING.sizes], variants: [...LESSON_SCALING.variants] } });
  await training.startScaling();
}

/** Loads the multi-task preset's dataset if needed, then trains Adam and AdaTask side by side. */
async function mtlTrain(store: StudioStore, ctx: LessonActionContext): Promise<void> {
  const mtl = ctx.multitask();
  await mtl.init();
  const id = store.getState().mtlForm.datasetId;
  if (store.getState().mtlDataset.key !== id) await mtl.selectDataset(id);
  await whenState(store, (s) => s.mtlDataset.phase === 'ready' || s.mtlDataset.phase === 'error');
  await mtl.train();
}

/** Loads the preset's dataset if needed, then runs the conflict-pair measure. */
async function mtlConflicts(store: StudioStore, ctx: LessonActionContext): Promise<void> {
  const mtl = ctx.multitask();
  await mtl.init();
  const id = store.getState().mtlForm.datasetId;
  if (store.getState().mtlDataset.key !== id) await mtl.selectDataset(id);
  await whenState(store, (s) => s.mtlDataset.phase === 'ready' || s.mtlDataset.phase === 'error');
  await mtl.measureConflicts();
}

/** Loads the preset's sequence dataset if needed (the preset opened the Sequences view). */
async function seqReady(store: StudioStore, ctx: LessonActionContext): Promise<SequenceController> {
  const seq = ctx.sequence();
  await seq.init();
  const id = store.getState().seqForm.datasetId;
  if (store.getState().seqDataset.key !== id || store.getState().seqDataset.phase !== 'ready') await seq.selectDataset(id);
  await whenState(store, (s) => s.seqDataset.phase === 'ready' || s.seqDataset.phase === 'error');
  return seq;
}

/** TWIN and DARE at the preset's settings, one after the other. */
async function seqCompare(store: StudioStore, ctx: LessonActionContext): Promise<void> {
  const seq = await seqReady(store, ctx);
  if (store.getState().seqDataset.phase === 'ready') await seq.compare();
}

/** DARE at attention dim = dim, dim/2, dim/4. */
async function seqSweep(store: StudioStore, ctx: LessonActionContext): Promise<void> {
  const seq = await seqReady(store, ctx);
  if (store.getState().seqDataset.phase === 'ready') await seq.sweep();
}

export const LESSON_ACTIONS: Record<LessonActionId, (store: StudioStore, ctx: LessonActionContext) => void | Promise<void>> = {
  'load-examples': loadExamples,
  'curves-user-id': curvesUserId,
  'train-run': trainRun,
  'scaling-run': scalingRun,
  'mtl-train': mtlTrain,
  'mtl-conflicts': mtlConflicts,
  'seq-compare': seqCompare,
  'seq-sweep': seqSweep,
};
