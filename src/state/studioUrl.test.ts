import { describe, expect, it } from 'vitest';
import { createStudioStore } from './studioStore.ts';
import { createStudioUrlRegistry } from './studioUrl.ts';
import { textField } from './urlState.ts';
import { startUrlSync, type UrlHost } from './urlSync.ts';

function fakeHost(hash: string) {
  const listeners: (() => void)[] = [];
  const host: UrlHost & { writes: string[]; navigate(h: string): void } = {
    location: { hash, pathname: '/app/', search: '' },
    history: {
      replaceState: (_d, _u, url) => {
        host.writes.push(url);
        host.location.hash = url.slice(url.indexOf('#'));
      },
    },
    addEventListener: (_t, l) => listeners.push(l),
    removeEventListener: () => {},
    writes: [],
    navigate(h) {
      host.location.hash = h;
      listeners.forEach((l) => l());
    },
  };
  return host;
}

describe('studio URL registry', () => {
  it('reads and applies the core keys through the store', () => {
    const registry = createStudioUrlRegistry();
    const store = createStudioStore();
    registry.apply(registry.parse('#v=1&theme=dark&lesson=1&step=2&sort=ia&mode=raw&big=1').values, store.getState());
    const s = store.getState();
    expect(s.ui).toMatchObject({ theme: 'dark', lesson: 1, step: 2, bigText: true, playing: false });
    expect(s.sort).toBe('ia');
    expect(s.flow.mode).toBe('raw');
    expect(registry.format(s)).toBe('v=2&mode=raw&sort=ia&theme=dark&lesson=1&step=2&big=1');
  });

  it('opens a version-1 Sequences link at the 3,000 users it meant, and newer links at the setting', () => {
    const registry = createStudioUrlRegistry();
    const users = (hash: string) => registry.parse(hash).values.susers;
    expect(users('#v=1&view=sequence&smodel=dare')).toBe(3000);
    expect(users('#v=1&sdim=8')).toBe(3000);
    expect(users('#v=1&view=sequence&susers=6000')).toBe(6000);
    // A link of another view says nothing about the sequences: today's default.
    expect(users('#v=1&view=train&tdim=8')).toBe(12000);
    expect(users('#v=2&view=sequence')).toBe(12000);
    expect(registry.parse('#v=1&view=sequence').notices).toEqual([]);
  });

  it('lets a view register its own keys, and refuses a key twice', () => {
    const registry = createStudioUrlRegistry();
    let applied = '';
    registry.register({
      name: 'training',
      schema: { dataset: textField(20, 'synthetic') },
      read: () => ({ dataset: 'criteo' }),
      apply: (v) => {
        applied = v.dataset;
      },
    });
    expect(registry.format(createStudioStore().getState())).toBe('v=2&dataset=criteo');
    registry.apply(registry.parse('#dataset=avazu').values, createStudioStore().getState());
    expect(applied).toBe('avazu');
    expect(() => registry.register({ name: 'other', schema: { theme: textField(3) }, read: () => ({ theme: '' }), apply: () => {} })).toThrow(/theme/);
  });

  it('patches some keys and keeps the rest', () => {
    const registry = createStudioUrlRegistry();
    const store = createStudioStore();
    store.getState().setUi({ theme: 'dark', lesson: 1 });
    registry.patch({ sort: 'ia' }, store.getState());
    expect(store.getState().sort).toBe('ia');
    expect(store.getState().ui).toMatchObject({ theme: 'dark', lesson: 1 });
  });
});

describe('URL sync', () => {
  it('restores from the link, then writes changes debounced and canonical', async () => {
    const store = createStudioStore();
    const host = fakeHost('#lesson=1&step=2');
    const stop = startUrlSync(store, createStudioUrlRegistry(), host, 5);
    expect(store.getState().ui).toMatchObject({ lesson: 1, step: 2 });
    expect(host.writes).toEqual(['/app/#v=2&lesson=1&step=2']);
    store.getState().setUi({ theme: 'dark' });
    store.getState().setUi({ step: 3 });
    await new Promise((r) => setTimeout(r, 20));
    expect(host.writes).toEqual(['/app/#v=2&lesson=1&step=2', '/app/#v=2&theme=dark&lesson=1&step=3']);
    stop();
  });

  it('shows a notice for a link it cannot read, and applies a pasted link', () => {
    const store = createStudioStore();
    const host = fakeHost('#v=9&theme=dark');
    const stop = startUrlSync(store, createStudioUrlRegistry(), host, 5);
    expect(store.getState().notices).toEqual([{ id: 'url', kind: 'warning', text: 'This link was made by a newer RecLens (v9); opening with defaults.' }]);
    expect(store.getState().ui.theme).toBe('auto');
    host.navigate('#v=1&theme=light');
    expect(store.getState().ui.theme).toBe('light');
    expect(store.getState().notices).toEqual([]);
    stop();
  });
});

describe('URL round trip', () => {
  /** parse -> apply to a fresh store -> format: what the address bar shows after opening `hash`. */
  const shared = createStudioUrlRegistry();
  const sharedSchema = shared.schema();
  const canonical = (hash: string) => {
    const store = createStudioStore();
    shared.apply(shared.parse(hash).values, store.getState());
    return shared.format(store.getState());
  };

  it('is stable for every key given hostile, out-of-range and malformed values', () => {
    const keys = [...Object.keys(createStudioUrlRegistry().schema()), ...Object.getOwnPropertyNames(Object.prototype), 'v'];
    const values = [
      '',
      '0',
      '-0',
      '1',
      '007',
      '1e3',
      '0x10',
      ' 0.5',
      '-1',
      '1.5',
      'NaN',
      'Infinity',
      '1e308',
      '99999999999999999999',
      'dark',
      'raw',
      'a b',
      '%zz',
      '<x>',
      'x'.repeat(500),
    ];
    let links = 0;
    for (const key of keys) {
      for (const value of values) {
        const hash = `#v=1&theme=dark&${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
        const once = canonical(hash);
        expect(canonical(`#${once}`), hash).toBe(once);
        // Every value taken from the link is one the link writes back unchanged (-0 is not).
        const { values: parsed } = shared.parse(hash);
        for (const [k, field] of Object.entries(sharedSchema)) expect(Object.is(field.parse(field.format(parsed[k])), parsed[k]), `${hash} ${k}`).toBe(true);
        links++;
      }
    }
    expect(links).toBeGreaterThan(40 * values.length);
  });

  it('is stable for byte-level mutations of a link that sets every key', () => {
    const registry = createStudioUrlRegistry();
    const store = createStudioStore();
    registry.apply(
      registry.parse('#view=train&mode=raw&sort=ia&theme=dark&lesson=2&step=3&play=1&slow=1&big=1&bare=1&tds=criteo&tdim=32&tlr=0.02&mbeta=0.5&mseed=7').values,
      store.getState(),
    );
    const seed = registry.format(store.getState());
    expect(seed).toBe('v=2&view=train&mode=raw&sort=ia&theme=dark&lesson=2&step=3&play=1&slow=1&big=1&bare=1&tds=criteo&tdim=32&tlr=0.02&mbeta=0.5&mseed=7');
    let state = 12345;
    const random = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
    const alphabet = '&=#%._-01239aeEvx+ ';
    for (let i = 0; i < 1000; i++) {
      const chars = [...seed];
      for (let m = 1 + random(4); m > 0; m--) {
        const at = random(chars.length + 1);
        const op = random(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[random(alphabet.length)]);
        else chars[at] = alphabet[random(alphabet.length)];
      }
      const once = canonical(`#${chars.join('')}`);
      expect(canonical(`#${once}`), chars.join('')).toBe(once);
    }
  });
});
