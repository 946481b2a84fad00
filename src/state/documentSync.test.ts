import { describe, expect, it } from 'vitest';
import { documentAttributes, resolveTheme } from './documentSync.ts';
import { initialUi } from './uiState.ts';

describe('document attributes', () => {
  it('follows the system while the theme is auto', () => {
    expect(resolveTheme('auto', true)).toBe('dark');
    expect(resolveTheme('auto', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('hides controls only while a lesson is open', () => {
    expect(documentAttributes({ ...initialUi, hideControls: true }, false)['data-bare']).toBeNull();
    expect(documentAttributes({ ...initialUi, hideControls: true, lesson: 1, bigText: true }, false)).toEqual({
      'data-theme': 'light',
      'data-big-text': '',
      'data-bare': '',
      'data-slow': null,
    });
  });
});
