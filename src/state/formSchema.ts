/**
 * A view's form as one table (tensorflow/playground's PROPS idea): each setting with the link key
 * that carries it, the rules its value follows, its label and its input's step. The URL binding,
 * the form's inputs and the saved record's check all read this one table, so the three cannot
 * drift apart (the forms used to have their own ranges).
 */
import type { StudioState } from './studioStore.ts';
import type { UrlBinding } from './urlRegistry.ts';
import type { UrlField, UrlValues } from './urlState.ts';

export interface FormSetting<K extends string, T> {
  /** The URL key. */
  key: K;
  /** Default, parser and, for numbers, the range the form's input enforces too. */
  field: UrlField<T>;
  label: string;
  /** The number input's step (default: 1 for whole numbers, 'any' otherwise). */
  step?: number;
  hint?: string;
}

export function setting<const K extends string, T>(key: K, field: UrlField<T>, label: string, extra: { step?: number; hint?: string } = {}): FormSetting<K, T> {
  return { key, field, label, ...extra };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a form mixes settings of any value type
type AnySetting = FormSetting<string, any>;
export type FormSchema = Record<string, AnySetting>;

/** The form's values, setting by setting. */
export type FormValues<S extends FormSchema> = { [P in keyof S]: S[P] extends FormSetting<string, infer T> ? T : never };

/** The link's schema: URL key -> field. */
export type UrlSchemaOf<S extends FormSchema> = { [P in keyof S as S[P]['key']]: S[P]['field'] };

export function urlSchemaOf<S extends FormSchema>(form: S): UrlSchemaOf<S> {
  return Object.fromEntries(Object.values(form).map((s) => [s.key, s.field])) as UrlSchemaOf<S>;
}

export function defaultsOfForm<S extends FormSchema>(form: S): FormValues<S> {
  return Object.fromEntries(Object.entries(form).map(([name, s]) => [name, s.field.default])) as FormValues<S>;
}

export function formUrlBinding<S extends FormSchema>(
  name: string,
  form: S,
  read: (state: StudioState) => FormValues<S>,
  apply: (state: StudioState, patch: Partial<FormValues<S>>) => void,
): UrlBinding<UrlSchemaOf<S>> {
  const settings = Object.entries(form);
  return {
    name,
    schema: urlSchemaOf(form),
    read: (state) => {
      const values = read(state) as Record<string, unknown>;
      return Object.fromEntries(settings.map(([setting, s]) => [s.key, values[setting]])) as UrlValues<UrlSchemaOf<S>>;
    },
    apply: (values, state) =>
      apply(state, Object.fromEntries(settings.map(([setting, s]) => [setting, (values as Record<string, unknown>)[s.key]])) as Partial<FormValues<S>>),
  };
}
