import { LESSONS } from '../../lessons/lessonCatalog.ts';
import { useStudioStore } from '../../state/studioStore.ts';

/** The list of lessons; those waiting for a view not built yet are shown but cannot be opened. */
export function LessonPicker() {
  const setUi = useStudioStore((s) => s.setUi);
  return (
    <section className="panel lesson-picker" aria-labelledby="lessons-heading">
      <h2 id="lessons-heading">Lessons</h2>
      <ol className="lesson-list">
        {LESSONS.map((l) => (
          <li key={l.id}>
            {l.available ? (
              <button
                type="button"
                className="link-button"
                data-testid={`open-lesson-${l.id}`}
                onClick={() => setUi({ lesson: l.id, step: 1, playing: false })}
              >
                {l.title}
              </button>
            ) : (
              <span className="lesson-unavailable" data-testid={`lesson-unavailable-${l.id}`}>
                {l.title} <span className="hint">— needs {l.needs}</span>
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
