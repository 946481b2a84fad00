import { describe, expect, it } from 'vitest';
import { boolField, defaultsOf, enumField, formatUrlHash, intField, numberField, parseUrlHash, textField, URL_VERSION, type UrlMigration } from './urlState.ts';

const schema = {
  theme: enumField(['auto', 'light', 'dark'], 'auto'),
  lesson: intField(0, 99, 0),
  lr: numberField(1e-6, 1, 1e-3),
  big: boolField(),
  dataset: textField(20, 'synthetic'),
};

describe('URL state', () => {
  it('round-trips values, writing only what differs from the defaults', () => {
    const values = { theme: 'dark', lesson: 1, lr: 0.01, big: true, dataset: 'criteo-1m' };
    const hash = formatUrlHash(values, schema);
    expect(hash).toBe(`v=${URL_VERSION}&theme=dark&lesson=1&lr=0.01&big=1&dataset=criteo-1m`);
    expect(parseUrlHash(`#${hash}`, schema)).toEqual({ values, notices: [], version: URL_VERSION });
    expect(formatUrlHash(defaultsOf(schema), schema)).toBe(`v=${URL_VERSION}`);
  });

  it('opens an empty or version-less hash with defaults and no notice', () => {
    expect(parseUrlHash('', schema).values).toEqual(defaultsOf(schema));
    expect(parseUrlHash('#lesson=2', schema)).toEqual({ values: { ...defaultsOf(schema), lesson: 2 }, notices: [], version: URL_VERSION });
  });

  it('rejects bad values one by one, keeping the good ones', () => {
    const { values, notices } = parseUrlHash('#v=2&theme=purple&lesson=1.5&lr=NaN&big=yes&dataset=<script>&unknown=1&lesson=3', schema);
    expect(values).toEqual({ ...defaultsOf(schema), lesson: 3 });
    // A repeated key: the last one wins, so lesson=1.5 is never looked at.
    expect(notices).toHaveLength(5);
    expect(notices[4]).toBe('Ignored a key this RecLens does not know in the link: unknown.');
    expect(notices[0]).toBe('Ignored theme=purple in the link (expected one of auto, light, dark).');
    expect(notices.join(' ')).toContain('dataset=<script>');
    expect(parseUrlHash('#lesson=1.5', schema).notices[0]).toContain('lesson=1.5');
  });

  it('rejects out-of-range numbers', () => {
    expect(parseUrlHash('#lesson=100', schema).values.lesson).toBe(0);
    expect(parseUrlHash('#lr=2', schema).values.lr).toBe(1e-3);
    expect(parseUrlHash('#lr=', schema).values.lr).toBe(1e-3);
  });

  it('says a link from a newer version opens with defaults', () => {
    const r = parseUrlHash('#v=3&theme=dark', schema);
    expect(r.values).toEqual(defaultsOf(schema));
    expect(r.notices).toEqual(['This link was made by a newer RecLens (v3); opening with defaults.']);
  });

  it('migrates older links step by step, and says so when it cannot', () => {
    const migrations: Record<number, UrlMigration> = {
      1: (p) => new Map([...p].map(([k, v]) => [k === 'dark' ? 'theme' : k, k === 'dark' ? (v === '1' ? 'dark' : 'light') : v])),
      2: (p) => new Map([...p].map(([k, v]) => [k === 'l' ? 'lesson' : k, v])),
    };
    expect(parseUrlHash('#v=1&dark=1&l=4', schema, migrations, 3)).toEqual({
      values: { ...defaultsOf(schema), theme: 'dark', lesson: 4 },
      notices: [],
      version: 1,
    });
    const r = parseUrlHash('#v=0&dark=1', schema, migrations, 3);
    expect(r.values).toEqual(defaultsOf(schema));
    expect(r.notices[0]).toContain('older RecLens (v0)');
    expect(parseUrlHash('#v=x', schema).notices[0]).toContain('unreadable version');
  });

  it('ignores and names keys that are Object.prototype members instead of calling them', () => {
    const members = Object.getOwnPropertyNames(Object.prototype);
    expect(members).toContain('__proto__');
    const hash = '#' + members.map((k) => `${encodeURIComponent(k)}=1`).join('&') + '&theme=dark';
    const r = parseUrlHash(hash, schema);
    expect(r.values).toEqual({ ...defaultsOf(schema), theme: 'dark' });
    expect(Object.getPrototypeOf(r.values)).toBe(Object.prototype);
    expect(r.notices).toEqual([
      `Ignored keys this RecLens does not know in the link: constructor, __defineGetter__, __defineSetter__, hasOwnProperty, __lookupGetter__ and ${members.length - 5} more.`,
    ]);
    expect(parseUrlHash('#v=0', schema, {}, 1).notices[0]).toContain('older RecLens (v0)');
    // A value object that inherits a schema key does not count as having it.
    expect(formatUrlHash(Object.create({ theme: 'dark' }) as Record<string, unknown>, schema)).toBe(`v=${URL_VERSION}`);
  });
});
