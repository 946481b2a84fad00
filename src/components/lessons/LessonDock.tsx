import { useStudioStore } from '../../state/studioStore.ts';
import { LessonPanel } from './LessonPanel.tsx';

/**
 * The open lesson in a view's settings column: at its top, kept in sight while the settings
 * below it scroll, so the charts keep the rest of the width; at phone width a sheet along the
 * bottom of the screen (app.css).
 */
export function LessonDock() {
  const open = useStudioStore((s) => s.ui.lesson > 0);
  if (!open) return null;
  return (
    <div className="lesson-dock" data-testid="lesson-dock">
      <LessonPanel />
    </div>
  );
}
