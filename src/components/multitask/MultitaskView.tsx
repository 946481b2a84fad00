import { useEffect } from 'react';
import { useStudioStore } from '../../state/studioStore.ts';
import { LessonDock } from '../lessons/LessonDock.tsx';
import { ConflictPanel } from './ConflictPanel.tsx';
import { MtlCharts } from './MtlCharts.tsx';
import { MtlForm } from './MtlForm.tsx';
import { MtlMetricsTable } from './MtlMetricsTable.tsx';
import { useMultitaskController } from '../runControllersContext.ts';
import './multitask.css';

function SavedRuns() {
  const c = useMultitaskController();
  const saved = useStudioStore((s) => s.mtlSavedRuns);
  const current = useStudioStore((s) => s.mtlRun?.id);
  const overlaid = useStudioStore((s) => s.mtlOverlay?.id);
  if (saved.length === 0) return null;
  return (
    <section className="panel">
      <h2>Saved multi-task runs</h2>
      <p className="hint">
        Open a run to see its charts; <em>Overlay</em> draws another run&apos;s rAU over steps on the open one&apos;s.
      </p>
      <ul className="mtl-saved">
        {saved.map((r) => (
          <li key={r.id} className={r.id === current ? 'active' : ''}>
            <button type="button" className="link" onClick={() => void c.openSavedRun(r.id)}>
              {r.label}
            </button>
            <span className="muted"> {new Date(r.createdAt).toLocaleString()}</span>
            {r.id !== current && (
              <button
                type="button"
                className="ghost small"
                aria-pressed={r.id === overlaid}
                data-testid="mtl-overlay-button"
                onClick={() => void c.overlaySavedRun(r.id === overlaid ? null : r.id)}
              >
                {r.id === overlaid ? 'Overlaid ✓' : 'Overlay'}
              </button>
            )}
            <button type="button" className="ghost small" aria-label={`Delete ${r.label}`} onClick={() => void c.deleteSavedRun(r.id)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The Multi-task view: train a model with Adam and AdaTask side by side and see task dominance, conflict and entanglement. */
export function MultitaskView() {
  const run = useStudioStore((s) => s.mtlRun);
  const multitask = useMultitaskController();
  useEffect(() => void multitask.init(), [multitask]);
  return (
    <div className="layout mtl-view">
      <aside className="sidebar" aria-label="Multi-task settings">
        <LessonDock />
        <MtlForm />
        <SavedRuns />
      </aside>
      <main className="workspace">
        {run ? (
          <>
            <MtlMetricsTable />
            <MtlCharts run={run} />
          </>
        ) : (
          <section className="panel">
            <h2>One shared model, several tasks</h2>
            <p className="hint">
              Pick a dataset and a model, then press Train both: the same model trains twice on the same batches, once with Adam and once with AdaTask, and the
              charts show per shared layer which task&apos;s updates dominate, whether the tasks&apos; gradients conflict, and how entangled the shared
              embedding is.
            </p>
          </section>
        )}
        <ConflictPanel />
      </main>
    </div>
  );
}
