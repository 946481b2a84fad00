/**
 * The view configuration as a versioned URL hash: `#v=2&theme=dark&lesson=1&step=2`.
 * Keys come from typed schemas that views register (core studio keys now, training / multi-task
 * keys later); only values that differ from their defaults are written, so links stay short.
 */

/** One URL key: its default, a validating parser (null = reject) and a formatter. */
export interface UrlField<T> {
  default: T;
  parse(raw: string): T | null;
  format(value: T): string;
  /** Shown when a value is rejected: "lesson=abc ignored (expected <describe>)". */
  describe: string;
  /** Numbers: the accepted range, which a form's input enforces too. */
  range?: { min: number; max: number; integer: boolean };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a schema mixes fields of any value type
export type UrlSchema = Record<string, UrlField<any>>;
export type UrlValues<S extends UrlSchema> = { [K in keyof S]: S[K] extends UrlField<infer T> ? T : never };

/** The links' version; 2 added the Sequences view's users (v1 links migrate: sequenceSettings.ts). */
export const URL_VERSION = 2;

export function enumField<const T extends string>(values: readonly T[], fallback: T): UrlField<T> {
  return {
    default: fallback,
    parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : null),
    format: (v) => v,
    describe: `one of ${values.join(', ')}`,
  };
}

export function intField(min: number, max: number, fallback: number): UrlField<number> {
  return {
    default: fallback,
    parse: (raw) => {
      if (!/^-?\d+$/.test(raw)) return null;
      const n = Number(raw) + 0; // + 0: "-0" reads as 0, which is what the link writes back
      return n >= min && n <= max ? n : null;
    },
    format: (v) => String(v),
    describe: `a whole number from ${min} to ${max}`,
    range: { min, max, integer: true },
  };
}

export function numberField(min: number, max: number, fallback: number): UrlField<number> {
  return {
    default: fallback,
    parse: (raw) => {
      const n = raw.trim() === '' ? NaN : Number(raw) + 0; // + 0: "-0" reads as 0
      return Number.isFinite(n) && n >= min && n <= max ? n : null;
    },
    format: (v) => String(v),
    describe: `a number from ${min} to ${max}`,
    range: { min, max, integer: false },
  };
}

export function boolField(fallback = false): UrlField<boolean> {
  return {
    default: fallback,
    parse: (raw) => (raw === '1' ? true : raw === '0' ? false : null),
    format: (v) => (v ? '1' : '0'),
    describe: '0 or 1',
  };
}

/** Short free text (names of datasets, fields), bounded so a link cannot carry a payload. */
export function textField(maxLength: number, fallback = '', pattern = /^[\w .:/-]*$/): UrlField<string> {
  return {
    default: fallback,
    parse: (raw) => (raw.length <= maxLength && pattern.test(raw) ? raw : null),
    format: (v) => v,
    describe: `up to ${maxLength} letters, digits or . _ - : /`,
  };
}

export function defaultsOf<S extends UrlSchema>(schema: S): UrlValues<S> {
  return Object.fromEntries(Object.entries(schema).map(([k, f]) => [k, f.default])) as UrlValues<S>;
}

/** Rewrites the raw key/values of a link made by version `from` into version `from + 1`. */
export type UrlMigration = (params: Map<string, string>) => Map<string, string>;

/** How many unknown keys a notice names (a pasted link may carry hundreds). */
const MAX_NAMED_UNKNOWN_KEYS = 5;

export interface UrlParseResult {
  /** Raw accepted values per key (every registered key present, defaults filled in). */
  values: Record<string, unknown>;
  /** Human-readable problems with the link; empty for a clean link. */
  notices: string[];
  /** The link's version (URL_VERSION when it had none). */
  version: number;
}

/** Parses a hash (with or without '#') against a schema; never throws. */
export function parseUrlHash(hash: string, schema: UrlSchema, migrations: Record<number, UrlMigration> = {}, current = URL_VERSION): UrlParseResult {
  const defaults = defaultsOf(schema) as Record<string, unknown>;
  let params = new Map(new URLSearchParams(hash.replace(/^#/, '')));
  if (params.size === 0) return { values: defaults, notices: [], version: current };
  const rawVersion = params.get('v');
  const version = rawVersion === undefined ? current : /^\d+$/.test(rawVersion) ? Number(rawVersion) : NaN;
  if (!Number.isFinite(version)) {
    return { values: defaults, notices: [`This link has an unreadable version (v=${rawVersion}); opening with defaults.`], version: current };
  }
  if (version > current) {
    return { values: defaults, notices: [`This link was made by a newer RecLens (v${version}); opening with defaults.`], version };
  }
  for (let v = version; v < current; v++) {
    const migrate = Object.hasOwn(migrations, v) ? migrations[v] : undefined;
    if (!migrate) {
      return {
        values: defaults,
        notices: [`This link was made by an older RecLens (v${version}) whose links cannot be converted; opening with defaults.`],
        version,
      };
    }
    params = migrate(params);
  }
  params.delete('v');

  const values = { ...defaults };
  const notices: string[] = [];
  const unknown: string[] = [];
  for (const [key, raw] of params) {
    // Own keys only: a link's `constructor` or `__proto__` must not reach Object.prototype.
    const field = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (!field) {
      unknown.push(key.slice(0, 40));
      continue;
    }
    const parsed = field.parse(raw);
    if (parsed === null) notices.push(`Ignored ${key}=${raw.slice(0, 40)} in the link (expected ${field.describe}).`);
    else values[key] = parsed;
  }
  if (unknown.length > 0) {
    const shown =
      unknown.slice(0, MAX_NAMED_UNKNOWN_KEYS).join(', ') +
      (unknown.length > MAX_NAMED_UNKNOWN_KEYS ? ` and ${unknown.length - MAX_NAMED_UNKNOWN_KEYS} more` : '');
    notices.push(`Ignored ${unknown.length === 1 ? 'a key' : 'keys'} this RecLens does not know in the link: ${shown}.`);
  }
  return { values, notices, version };
}

/** `v=2&key=value...` with only the non-default values, in schema order. */
export function formatUrlHash(values: Record<string, unknown>, schema: UrlSchema, current = URL_VERSION): string {
  const params = new URLSearchParams({ v: String(current) });
  for (const [key, field] of Object.entries(schema)) {
    if (!Object.hasOwn(values, key)) continue;
    const text = field.format(values[key]);
    if (text !== field.format(field.default)) params.set(key, text);
  }
  return params.toString();
}
