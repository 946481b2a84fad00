import type { CSSProperties } from 'react';
import { LessonPanel } from './LessonPanel.tsx';

const DOCK: CSSProperties = {
  position: 'fixed',
  right: 16,
  bottom: 16,
  width: 'min(440px, calc(100vw - 32px))',
  maxHeight: '55vh',
  overflowY: 'auto',
  zIndex: 20,
};

/** The open lesson over the Train and Multi-task views, which have no sidebar: docked at the bottom right. */
export function LessonDock() {
  return (
    <div style={DOCK} data-testid="lesson-dock">
      <LessonPanel />
    </div>
  );
}
