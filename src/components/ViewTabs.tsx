import { useStudioStore } from '../state/studioStore.ts';
import type { StudioView } from '../state/uiState.ts';
import './training/training.css';

const TABS: { view: StudioView; label: string; testId: string }[] = [
  { view: 'collapse', label: 'Collapse', testId: 'collapse-tab' },
  { view: 'train', label: 'Train', testId: 'train-tab' },
  { view: 'multitask', label: 'Multi-task', testId: 'multitask-tab' },
  { view: 'sequence', label: 'Sequences', testId: 'sequence-tab' },
];

/** The studio's top-level views. */
export function ViewTabs() {
  const view = useStudioStore((s) => s.ui.view);
  const setUi = useStudioStore((s) => s.setUi);
  return (
    <nav className="view-tabs" role="tablist" aria-label="Views">
      {TABS.map((t) => (
        <button
          key={t.view}
          type="button"
          role="tab"
          className="small"
          aria-selected={view === t.view}
          data-testid={t.testId}
          onClick={() => setUi({ view: t.view })}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
