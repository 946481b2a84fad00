import type { StudioStore } from './studioStore.ts';
import type { UrlRegistry } from './urlRegistry.ts';

export interface UrlHost {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

export const URL_NOTICE_ID = 'url';

/**
 * Restores the store from the address bar, then keeps the address bar in step with the store
 * (history.replaceState, debounced, so the back button is not flooded). A pasted link
 * (hashchange) is applied too. Returns a stop function.
 */
export function startUrlSync(store: StudioStore, registry: UrlRegistry, host: UrlHost = window, debounceMs = 150): () => void {
  let written = '';
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = () => {
    const { values, notices } = registry.parse(host.location.hash);
    registry.apply(values, store.getState());
    store.getState().dismissNotice(URL_NOTICE_ID);
    if (notices.length > 0) store.getState().pushNotice({ id: URL_NOTICE_ID, kind: 'warning', text: notices.join(' ') });
    written = host.location.hash.replace(/^#/, '');
  };

  const write = () => {
    timer = undefined;
    const hash = registry.format(store.getState());
    if (hash === written) return;
    written = hash;
    host.history.replaceState(null, '', `${host.location.pathname}${host.location.search}#${hash}`);
  };

  const onHashChange = () => {
    if (host.location.hash.replace(/^#/, '') !== written) load();
  };

  load();
  write(); // canonical form of the opened link
  const unsubscribe = store.subscribe(() => {
    if (timer === undefined) timer = setTimeout(write, debounceMs);
  });
  host.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
    host.removeEventListener('hashchange', onHashChange);
  };
}
