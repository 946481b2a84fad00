import { COPY_LINK, KEY_HINT, type PresenterAction } from '../lessons/presenterActions.ts';
import { useStudioStore } from '../state/studioStore.ts';
import type { UiState } from '../state/uiState.ts';

type Flag = 'slow' | 'bigText' | 'hideControls';
const FLAGS: { key: Flag; label: string; title: string }[] = [
  { key: 'slow', label: 'Slow', title: 'Slow motion: longer pause per step, slower transitions' },
  { key: 'bigText', label: 'Big text', title: 'Larger type for a projector, in the lesson and the charts' },
  { key: 'hideControls', label: 'Hide controls', title: 'Hide import and chart controls, keep the charts and the lesson' },
];

const COPY_TEXT = { idle: COPY_LINK.label, copied: 'Link copied', failed: 'Copy failed: use the address bar' } as const;

interface Props {
  onStep: () => void;
  atEnd: boolean;
  /** How the last Copy link went (its label says so for a moment). */
  copied: keyof typeof COPY_TEXT;
  onCopyLink: (action: PresenterAction) => void;
}

/** Presenter mode for a lesson: auto-play, single step, slow motion, big text, bare screen, and the step's link. All in the link. */
export function PresenterControls({ onStep, atEnd, copied, onCopyLink }: Props) {
  const ui = useStudioStore((s) => s.ui);
  const setUi = useStudioStore((s) => s.setUi);
  const toggle = (key: keyof UiState) => setUi({ [key]: !ui[key] });
  return (
    <div className="presenter-controls" role="group" aria-label="Presenter controls">
      <button
        type="button"
        className="ghost small"
        data-testid="lesson-play"
        aria-pressed={ui.playing}
        disabled={atEnd && !ui.playing}
        onClick={() => toggle('playing')}
      >
        {ui.playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button
        type="button"
        className="ghost small"
        data-testid="lesson-step"
        disabled={atEnd}
        onClick={() => {
          setUi({ playing: false });
          onStep();
        }}
      >
        Step ›
      </button>
      {FLAGS.map((f) => (
        <button
          key={f.key}
          type="button"
          className="chip"
          aria-pressed={ui[f.key]}
          title={f.title}
          data-testid={`presenter-${f.key}`}
          onClick={() => toggle(f.key)}
        >
          {f.label}
        </button>
      ))}
      <button
        type="button"
        className="ghost small"
        data-testid="lesson-copy-link"
        title="Copy the link of this lesson step (it opens the same step, settings and seed)"
        onClick={() => onCopyLink(COPY_LINK)}
      >
        <span aria-live="polite">{COPY_TEXT[copied]}</span>
      </button>
      <p className="hint presenter-keys">{KEY_HINT}</p>
    </div>
  );
}
