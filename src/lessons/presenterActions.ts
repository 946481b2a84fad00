import type { UiState } from '../state/uiState.ts';

/**
 * The lesson dock's navigation as action objects (Excalidraw style): each names its label, its
 * keys and what it does, so the dock's buttons and the keyboard run the very same thing.
 */

/** Where the open lesson stands, and how to change it. */
export interface PresenterContext {
  ui: Pick<UiState, 'lesson' | 'step' | 'playing'>;
  /** Steps of the open lesson (0 while it is blocked or missing). */
  stepCount: number;
  setUi(patch: Partial<UiState>): void;
  /** The address of the page as it is now (the lesson step is in it). */
  url(): string;
  /** Puts text on the clipboard; rejects when the browser refuses. */
  copy(text: string): Promise<void>;
}

/** What a key handler sees of a keyboard event. */
export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export interface PresenterAction {
  name: 'next' | 'previous' | 'close' | 'copy-link';
  label: string;
  /** The keys, in words, for the button's tooltip; '' when no key runs it. */
  keys: string;
  keyTest(e: KeyLike): boolean;
  enabled(ctx: PresenterContext): boolean;
  perform(ctx: PresenterContext): void | Promise<void>;
}

const plain = (e: KeyLike) => !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey;
/** The 1-based step shown: the URL may ask for one past the end. */
const current = (ctx: PresenterContext) => Math.max(1, Math.min(ctx.ui.step, ctx.stepCount));

// PageDown / PageUp: what a presentation clicker sends.
export const NEXT: PresenterAction = {
  name: 'next',
  label: 'Next →',
  keys: '→ or Page Down',
  keyTest: (e) => plain(e) && (e.key === 'ArrowRight' || e.key === 'PageDown'),
  enabled: (ctx) => ctx.stepCount > 0 && current(ctx) < ctx.stepCount,
  perform: (ctx) => ctx.setUi({ step: current(ctx) + 1 }),
};

export const PREVIOUS: PresenterAction = {
  name: 'previous',
  label: '← Previous',
  keys: '← or Page Up',
  keyTest: (e) => plain(e) && (e.key === 'ArrowLeft' || e.key === 'PageUp'),
  enabled: (ctx) => ctx.stepCount > 0 && current(ctx) > 1,
  perform: (ctx) => ctx.setUi({ step: current(ctx) - 1 }),
};

export const CLOSE: PresenterAction = {
  name: 'close',
  label: 'Close lesson',
  keys: 'Esc',
  keyTest: (e) => plain(e) && e.key === 'Escape',
  enabled: (ctx) => ctx.ui.lesson > 0,
  perform: (ctx) => ctx.setUi({ lesson: 0, step: 1, playing: false, hideControls: false }),
};

export const COPY_LINK: PresenterAction = {
  name: 'copy-link',
  label: 'Copy link',
  // No key: a stray letter must not overwrite the clipboard.
  keys: '',
  keyTest: () => false,
  enabled: (ctx) => ctx.ui.lesson > 0,
  perform: (ctx) => ctx.copy(ctx.url()),
};

export const PRESENTER_ACTIONS: readonly PresenterAction[] = [NEXT, PREVIOUS, CLOSE, COPY_LINK];

/** The keys in one line for the dock ("Keys: ← previous · → next · Esc close"), from the actions themselves. */
export const KEY_HINT = `Keys: ${[PREVIOUS, NEXT, CLOSE].map((a) => `${a.keys.split(' or ')[0]} ${a.name}`).join(' · ')}`;

/** Where typing means text (or a choice), not a command. */
const EDITABLE = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** What a key handler sees of the focused element. */
export interface KeyTarget {
  tagName?: string;
  isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

/** The action a key press runs, if any: never while focus is in a form field or a dialog, and only when it is enabled. */
export function actionForKey(e: KeyLike, ctx: PresenterContext, target: KeyTarget | null): PresenterAction | null {
  if (target && (EDITABLE.has(target.tagName ?? '') || target.isContentEditable)) return null;
  // Esc there closes the dialog, and arrows move within it.
  if (target?.closest?.('dialog, [role="dialog"], [aria-modal="true"]')) return null;
  return PRESENTER_ACTIONS.find((a) => a.keyTest(e) && a.enabled(ctx)) ?? null;
}
