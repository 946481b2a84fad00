import { useStudioStore } from '../../state/studioStore.ts';
import { useSequenceController } from '../runControllersContext.ts';

/** The runs on screen, newest first: status, step, final AUC; focus, resume, delete. */
export function SeqRunList() {
  const c = useSequenceController();
  const runs = useStudioStore((s) => s.seqRuns);
  const focus = useStudioStore((s) => s.seqFocus);
  const queue = useStudioStore((s) => s.seqQueue);
  if (runs.length === 0) return null;
  const shown = runs[runs.length - 1];
  const focused = runs.find((r) => r.id === focus)?.id ?? shown.id;
  return (
    <section className="panel">
      <h2>Sequence runs</h2>
      <p className="hint">Runs of the dataset shown are compared in the charts; a run&apos;s heatmaps and gradients show when it is picked.</p>
      <ul className="mtl-saved seq-runs" data-testid="seq-runs">
        {[...runs].reverse().map((r) => (
          <li key={r.id} className={r.id === focused ? 'active' : ''} data-status={r.status} data-model={r.form.model}>
            <button type="button" className="link" aria-pressed={r.id === focused} onClick={() => c.focus(r.id)}>
              {r.label}
            </button>
            <span className={`status-pill status-${r.status}`}>{r.status}</span>
            <span className="muted">
              step {r.step}/{r.stepsTotal}
              {r.report && Number.isFinite(r.report.testAuc) && ` · AUC ${r.report.testAuc.toFixed(4)}`}
              {r.status === 'running' && r.samplesPerSecond > 0 && ` · ${Math.round(r.samplesPerSecond).toLocaleString()} samples/s`}
              {r.backend && ` · ${r.backend}`}
            </span>
            {r.message && <span className={r.status === 'interrupted' ? 'muted' : 'warn-text'}>{r.message}</span>}
            {r.status === 'interrupted' && r.savedStep !== undefined && !queue && (
              <button type="button" className="primary small" data-testid="seq-resume" onClick={() => void c.resumeRun(r.id)}>
                Resume from step {r.savedStep}
              </button>
            )}
            {!['running', 'paused', 'loading'].includes(r.status) && (
              <button type="button" className="ghost small" aria-label={`Delete ${r.label}`} onClick={() => void c.deleteRun(r.id)}>
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
