import { describe, expect, it } from 'vitest';
import { createStudioStore } from './studioStore.ts';
import { createStudioUrlRegistry } from './studioUrl.ts';
import { textField } from './urlState.ts';
import { startUrlSync, type UrlHost } from './urlSync.ts';

function fakeHost(hash: string) {
  const listeners: (() => void)[] = [];
  const host: UrlHost & { writes: string[]; navigate(h: string): void } = {
    location: { hash, pathname: '/app/', search: '' },
    history: { replaceState: (_d, _u, url) => { host.writes.push(url); host.location.hash = url.slice(url.indexOf('#')); } },
    addEventListener: (_t, l) => listeners.push(l),
    removeEventListener: () => {},
    writes: [],
    navigate(h) { host.location.hash = h; listeners.forEach((l) => l()); },
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
    expect(registry.format(s)).toBe('v=1&mode=raw&sort=ia&theme=dark&lesson=1&step=2&big=1');
  });

  it('lets a view register its own keys, and refuses a key twice', () => {
    const registry = createStudioUrlRegistry();
    let applied = '';
    registry.register({ name: 'training', schema: { dataset: textField(20, 'synthetic') }, read: () => ({ dataset: 'criteo' }), apply: (v) => { applied = v.dataset; } });
    expect(registry.format(createStudioStore().getState())).toBe('v=1&dataset=criteo');
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
    expect(host.writes).toEqual(['/app/#v=1&lesson=1&step=2']);
    store.getState().setUi({ theme: 'dark' });
    store.getState().setUi({ step: 3 });
    await new Promise((r) => setTimeout(r, 20));
    expect(host.writes).toEqual(['/app/#v=1&lesson=1&step=2', '/app/#v=1&theme=dark&lesson=1&step=3']);
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
