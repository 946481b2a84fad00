import { buildExampleTables, COLLAPSED_SOURCE, HEALTHY_SOURCE } from '../examples/exampleTables.ts';
import { curveKey, type StudioStore } from '../state/studioStore.ts';

/** "Run this" buttons of lesson steps, by name, so a lesson is plain data. */
export type LessonActionId = 'load-examples' | 'curves-user-id';

/** Adds whichever built-in example is not loaded (they regenerate identically every time). */
function loadExamples(store: StudioStore): void {
  const loaded = new Set(store.getState().tables.filter((t) => t.origin === 'example').map((t) => t.source));
  for (const t of buildExampleTables()) if (!loaded.has(t.source)) store.getState().addTable(t);
}

/** Overlays the user_id spectrum of the healthy and the collapsed example, nothing else. */
function curvesUserId(store: StudioStore): void {
  const ids = [HEALTHY_SOURCE, COLLAPSED_SOURCE].map((src) => store.getState().tables.find((t) => t.origin === 'example' && t.source === src)?.id);
  store.getState().setCurveSelection(ids.filter((id) => id !== undefined).map((id) => curveKey(id, 'user_id')));
}

export const LESSON_ACTIONS: Record<LessonActionId, (store: StudioStore) => void> = {
  'load-examples': loadExamples,
  'curves-user-id': curvesUserId,
};
