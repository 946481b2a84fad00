import type { SpectrumMode } from '../contracts/tables.ts';
import type { FieldSort } from './studioStore.ts';
import { multitaskUrlBinding } from './multitaskSettings.ts';
import { sequenceUrlBinding, usersSettingMigration } from './sequenceSettings.ts';
import { trainingUrlBinding } from './trainingSettings.ts';
import { STUDIO_VIEWS, type ThemeChoice } from './uiState.ts';
import { UrlRegistry } from './urlRegistry.ts';
import { boolField, enumField, intField } from './urlState.ts';

/** The studio's own URL keys: view, analysis preferences, theme, lesson and presenter flags. */
export const coreUrlSchema = {
  view: enumField(STUDIO_VIEWS, 'collapse'),
  mode: enumField<SpectrumMode>(['recscope', 'raw', 'centered'], 'recscope'),
  sort: enumField<FieldSort>(['cardinality', 'ia'], 'cardinality'),
  theme: enumField<ThemeChoice>(['auto', 'light', 'dark'], 'auto'),
  lesson: intField(0, 99, 0),
  step: intField(1, 99, 1),
  play: boolField(),
  slow: boolField(),
  big: boolField(),
  bare: boolField(),
};

/** The registry the app syncs with the address bar; training and multi-task views register theirs here. */
export function createStudioUrlRegistry(): UrlRegistry {
  const registry = new UrlRegistry();
  registry.register({
    name: 'core',
    schema: coreUrlSchema,
    read: (s) => ({
      view: s.ui.view,
      mode: s.flow.mode,
      sort: s.sort,
      theme: s.ui.theme,
      lesson: s.ui.lesson,
      step: s.ui.step,
      play: s.ui.playing,
      slow: s.ui.slow,
      big: s.ui.bigText,
      bare: s.ui.hideControls,
    }),
    apply: (v, s) => {
      s.setFlow({ mode: v.mode });
      s.setSort(v.sort);
      s.setUi({ view: v.view, theme: v.theme, lesson: v.lesson, step: v.step, playing: v.play, slow: v.slow, bigText: v.big, hideControls: v.bare });
    },
  });
  registry.register(trainingUrlBinding);
  registry.register(multitaskUrlBinding);
  registry.register(sequenceUrlBinding);
  registry.addMigration(1, usersSettingMigration);
  return registry;
}

/** The app's registry (main.tsx syncs it with the address bar; lesson presets patch through it). */
export const studioUrlRegistry = createStudioUrlRegistry();
