import { describe, expect, it } from 'vitest';
import type { UiState } from '../state/uiState.ts';
import { actionForKey, CLOSE, COPY_LINK, KEY_HINT, NEXT, PREVIOUS, type KeyLike, type PresenterContext } from './presenterActions.ts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });

function context(step: number, stepCount = 4, lesson = 2) {
  const patches: Partial<UiState>[] = [];
  const copied: string[] = [];
  const ctx: PresenterContext = {
    ui: { lesson, step, playing: false },
    stepCount,
    setUi: (p) => void patches.push(p),
    url: () => 'http://x/#v=1&lesson=2&step=3',
    copy: async (t) => void copied.push(t),
  };
  return { ctx, patches, copied };
}

describe('presenter actions', () => {
  it('next and previous move one step and stop at the ends', () => {
    const mid = context(2);
    expect(NEXT.enabled(mid.ctx) && PREVIOUS.enabled(mid.ctx)).toBe(true);
    void NEXT.perform(mid.ctx);
    void PREVIOUS.perform(mid.ctx);
    expect(mid.patches).toEqual([{ step: 3 }, { step: 1 }]);
    expect(NEXT.enabled(context(4).ctx)).toBe(false);
    expect(PREVIOUS.enabled(context(1).ctx)).toBe(false);
    // A link asking for a step past the end shows the last one: previous goes to the one before it.
    const past = context(9);
    void PREVIOUS.perform(past.ctx);
    expect(past.patches).toEqual([{ step: 3 }]);
    expect(NEXT.enabled(context(1, 0).ctx)).toBe(false);
  });

  it('keys run the same actions: arrows and page keys, Esc closes; never in a form field or with a modifier', () => {
    const { ctx } = context(2);
    expect(actionForKey(key('ArrowRight'), ctx, null)).toBe(NEXT);
    expect(actionForKey(key('PageDown'), ctx, null)).toBe(NEXT);
    expect(actionForKey(key('ArrowLeft'), ctx, { tagName: 'BUTTON' })).toBe(PREVIOUS);
    expect(actionForKey(key('PageUp'), ctx, null)).toBe(PREVIOUS);
    expect(actionForKey(key('Escape'), ctx, null)).toBe(CLOSE);
    expect(actionForKey(key('ArrowRight'), ctx, { tagName: 'INPUT' })).toBeNull();
    expect(actionForKey(key('ArrowLeft'), ctx, { tagName: 'SELECT' })).toBeNull();
    expect(actionForKey(key('ArrowRight', { altKey: true }), ctx, null)).toBeNull();
    expect(actionForKey(key('ArrowRight'), context(4).ctx, null)).toBeNull();
    expect(actionForKey(key('c'), ctx, null)).toBeNull();
    const inDialog = { tagName: 'BUTTON', closest: (sel: string) => (sel.includes('dialog') ? {} : null) };
    expect(actionForKey(key('Escape'), ctx, inDialog)).toBeNull();
  });

  it('close leaves presenter mode; copy link copies the address of the step', async () => {
    const { ctx, patches, copied } = context(3);
    void CLOSE.perform(ctx);
    expect(patches).toEqual([{ lesson: 0, step: 1, playing: false, hideControls: false }]);
    await COPY_LINK.perform(ctx);
    expect(copied).toEqual(['http://x/#v=1&lesson=2&step=3']);
    expect(CLOSE.enabled(context(1, 0, 0).ctx)).toBe(false);
    expect(KEY_HINT).toBe('Keys: ← previous · → next · Esc close');
  });
});
