import { useSyncExternalStore } from 'react';
import { resolveTheme } from '../state/documentSync.ts';
import { useStudioStore } from '../state/studioStore.ts';

// One MediaQueryList for the page: matchMedia() on every render check costs a style recalculation.
let darkQuery: MediaQueryList | undefined;
const media = () => (darkQuery ??= matchMedia('(prefers-color-scheme: dark)'));
const subscribe = (onChange: () => void) => {
  media().addEventListener('change', onChange);
  return () => media().removeEventListener('change', onChange);
};
const prefersDark = () => media().matches;

/** Switches between light and dark; the first press leaves 'auto' (the system's choice). */
export function ThemeToggle() {
  const theme = useStudioStore((s) => s.ui.theme);
  const setUi = useStudioStore((s) => s.setUi);
  const dark = resolveTheme(theme, useSyncExternalStore(subscribe, prefersDark)) === 'dark';
  return (
    <button
      type="button"
      className="ghost small theme-toggle"
      data-testid="theme-toggle"
      aria-pressed={dark}
      title={theme === 'auto' ? 'Theme follows the system; press to switch' : 'Switch theme'}
      onClick={() => setUi({ theme: dark ? 'light' : 'dark' })}
    >
      <span aria-hidden="true">{dark ? '☾' : '☀'}</span> Dark theme
    </button>
  );
}
