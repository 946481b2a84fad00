/** View preferences that travel in the URL: theme, open lesson, presenter flags. */

export type ThemeChoice = 'auto' | 'light' | 'dark';

/** Top-level views of the studio; training and multi-task views add their names here. */
export const STUDIO_VIEWS = ['collapse', 'train', 'multitask', 'sequence'] as const;
export type StudioView = (typeof STUDIO_VIEWS)[number];

export interface UiState {
  view: StudioView;
  theme: ThemeChoice;
  /** Open lesson number, 0 = none. */
  lesson: number;
  /** 1-based step of the open lesson. */
  step: number;
  /** Presenter mode: steps advance on their own. */
  playing: boolean;
  /** Presenter mode: longer dwell per step and slower transitions. */
  slow: boolean;
  /** Presenter mode: larger type for a projector. */
  bigText: boolean;
  /** Presenter mode: hide import and chart controls, leaving charts and the lesson. */
  hideControls: boolean;
}

export const initialUi: UiState = {
  view: 'collapse',
  theme: 'auto',
  lesson: 0,
  step: 1,
  playing: false,
  slow: false,
  bigText: false,
  hideControls: false,
};

export type NoticeKind = 'info' | 'warning';

/** A dismissible message above the workspace (bad link, storage unavailable, workspace imported). */
export interface Notice {
  /** Stable per cause, so the same problem replaces its previous notice instead of stacking. */
  id: string;
  kind: NoticeKind;
  text: string;
}
