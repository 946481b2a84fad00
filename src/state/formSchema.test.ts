import { describe, expect, it } from 'vitest';
import { defaultsOfForm, urlSchemaOf } from './formSchema.ts';
import { MULTITASK_SETTINGS } from './multitaskSettings.ts';
import { DEFAULT_MULTITASK_FORM } from './multitaskSlice.ts';
import { TRAINING_SETTINGS } from './trainingSettings.ts';
import { DEFAULT_TRAINING_FORM } from './trainingSlice.ts';

describe.each([
  ['Train', TRAINING_SETTINGS, DEFAULT_TRAINING_FORM],
  ['Multi-task', MULTITASK_SETTINGS, DEFAULT_MULTITASK_FORM],
] as const)('the %s settings table', (_, table, defaults) => {
  it('has one row per form setting, its defaults are the form defaults, and its link keys are unique', () => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(defaults).sort());
    expect(defaultsOfForm(table)).toEqual(defaults);
    const keys = Object.values(table).map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(urlSchemaOf(table))).toEqual(keys);
  });

  it('gives every number setting the range its input and link both enforce, and a label', () => {
    for (const [name, s] of Object.entries(table)) {
      expect(s.label, name).not.toBe('');
      if (typeof s.field.default !== 'number') continue;
      const { min, max, integer } = s.field.range!;
      expect(s.field.parse(String(min)), name).toBe(min);
      expect(s.field.parse(String(max)), name).toBe(max);
      expect(s.field.parse(String(max + 1)), name).toBeNull();
      if (integer) expect(s.field.parse(String(min + 0.5)), name).toBeNull();
    }
  });
});
