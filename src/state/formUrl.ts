/**
 * A view's form bound to the link through one table: each form setting and the URL key that
 * carries it. The same table checks a saved run's form (savedRecords.ts), so the form, the link
 * and the record cannot drift apart.
 */
import type { StudioState } from './studioStore.ts';
import type { UrlBinding } from './urlRegistry.ts';
import type { UrlSchema, UrlValues } from './urlState.ts';

/** Form setting -> URL key; every setting of the form has one. */
export type FormKeys<F, S extends UrlSchema> = Record<keyof F & string, keyof S & string>;

export function formUrlBinding<F, S extends UrlSchema>(
  name: string,
  schema: S,
  keys: FormKeys<F, S>,
  form: (state: StudioState) => F,
  setForm: (state: StudioState, patch: Partial<F>) => void,
): UrlBinding<S> {
  const pairs = Object.entries(keys) as [keyof F & string, keyof S & string][];
  return {
    name,
    schema,
    read: (state) => {
      const f = form(state);
      return Object.fromEntries(pairs.map(([setting, key]) => [key, f[setting]])) as UrlValues<S>;
    },
    apply: (values, state) => setForm(state, Object.fromEntries(pairs.map(([setting, key]) => [setting, values[key]])) as Partial<F>),
  };
}
