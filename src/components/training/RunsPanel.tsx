import { readRun } from '../../state/runReading.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import type { TrainingRun } from '../../state/trainingSlice.ts';
import { useTrainingController } from '../runControllersContext.ts';

const auc = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));

/** The test AUC with its gap to the Bayes AUC; the reading (near Bayes, under-trained...) as its tooltip. */
function TestAucCell({ run }: { run: TrainingRun }) {
  const ceiling = useStudioStore((s) => s.datasetIndex.find((d) => d.id === run.form.datasetId)?.measuredCeilingAuc);
  const result = readRun(run, ceiling).result;
  return (
    <td className="num" title={result?.text} data-level={result?.level ?? ''}>
      {auc(run.final?.testAuc)}
      {result?.gap !== undefined && <span className="muted"> (gap {result.gap.toFixed(3)})</span>}
    </td>
  );
}

/** Every run of this browser (saved in IndexedDB): pick one to show, tick two to overlay, export or open the tables. */
export function RunsPanel() {
  const c = useTrainingController();
  const runs = useStudioStore((s) => s.trainingRuns);
  const activeId = useStudioStore((s) => s.activeRunId);
  const compare = useStudioStore((s) => s.compareRunIds);
  const setActive = useStudioStore((s) => s.setActiveRun);
  const toggleCompare = useStudioStore((s) => s.toggleCompareRun);
  const latest = runs[runs.length - 1];
  const exportable =
    latest && (latest.status === 'done' || latest.status === 'stopped') && latest.spectra.some((s) => s.sets.length > 0) && latest.backend !== '';

  return (
    <section className="panel runs-panel" aria-labelledby="runs-heading">
      <div className="panel-head">
        <h2 id="runs-heading">Runs</h2>
        <div className="train-buttons">
          <button
            type="button"
            data-testid="export-tables"
            disabled={!exportable}
            onClick={() => void c.exportTables()}
            title="The latest run's embedding tables: .npy per set + field_dims.json, and .safetensors with one tensor per field"
          >
            Export embedding tables
          </button>
          <button type="button" data-testid="open-in-collapse" disabled={!exportable} onClick={() => void c.openInCollapseView()}>
            Open in collapse view
          </button>
        </div>
      </div>
      {runs.length === 0 ? (
        <p className="hint">No runs yet. Runs are kept in this browser.</p>
      ) : (
        <table className="runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col">Compare</th>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Steps</th>
              <th scope="col">Best valid AUC</th>
              <th scope="col">Test AUC</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...runs].reverse().map((r) => (
              <tr key={r.id} className={r.id === activeId ? 'active' : ''}>
                <td>
                  <input type="checkbox" aria-label={`Compare ${r.label}`} checked={compare.includes(r.id)} onChange={() => toggleCompare(r.id)} />
                </td>
                <td>
                  <button type="button" className="link" onClick={() => setActive(r.id)}>
                    {r.label}
                  </button>
                </td>
                <td>
                  {r.status}
                  {r.status === 'interrupted' && r.savedStep !== undefined && (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="ghost small"
                        aria-label={`Resume ${r.label} from step ${r.savedStep}`}
                        onClick={() => void c.resumeRun(r.id)}
                      >
                        Resume
                      </button>
                    </>
                  )}
                </td>
                <td className="num">{r.step}</td>
                <td className="num">{auc(r.evals.length ? Math.max(...r.evals.map((e) => e.auc).filter(Number.isFinite)) : undefined)}</td>
                <TestAucCell run={r} />
                <td>
                  <button
                    type="button"
                    className="ghost small"
                    aria-label={`Delete ${r.label}`}
                    disabled={r.status === 'running' || r.status === 'paused'}
                    onClick={() => c.deleteRun(r.id)}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {compare.length === 2 && <p className="hint">Comparing the two ticked runs: their metric lines are overlaid above.</p>}
    </section>
  );
}
