import type { StudioStore } from './studioStore.ts';
import type { ThemeChoice, UiState } from './uiState.ts';

export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'auto' ? (prefersDark ? 'dark' : 'light') : choice;
}

/** The <html> attributes the stylesheet keys on: data-theme, data-big-text, data-bare, data-slow. */
export function documentAttributes(ui: UiState, prefersDark: boolean): Record<string, string | null> {
  return {
    'data-theme': resolveTheme(ui.theme, prefersDark),
    'data-big-text': ui.bigText ? '' : null,
    'data-bare': ui.hideControls && ui.lesson > 0 ? '' : null,
    'data-slow': ui.slow ? '' : null,
  };
}

/** Mirrors the UI preferences onto <html>, following the system colour scheme while the theme is 'auto'. */
export function startDocumentSync(store: StudioStore, root: HTMLElement = document.documentElement): () => void {
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const apply = () => {
    for (const [name, value] of Object.entries(documentAttributes(store.getState().ui, media?.matches ?? false))) {
      if (value === null) root.removeAttribute(name);
      else root.setAttribute(name, value);
    }
  };
  apply();
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.ui !== prev.ui) apply();
  });
  media?.addEventListener('change', apply);
  return () => {
    unsubscribe();
    media?.removeEventListener('change', apply);
  };
}
