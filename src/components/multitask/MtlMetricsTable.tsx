import { useStudioStore } from '../../state/studioStore.ts';
import type { MtlArm } from '../../contracts/multitaskConfig.ts';
import { DataExport } from '../DataExport.tsx';
import { metricsTable } from './mtlExport.ts';
import { ARM_LABELS } from '../../state/multitaskController.ts';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

/** Test AUC, logloss and gAUC per task for both optimisers, optionally on comparable samples only. */
export function MtlMetricsTable() {
  const run = useStudioStore((s) => s.mtlRun);
  const comparableOnly = useStudioStore((s) => s.mtlComparableOnly);
  const setComparable = useStudioStore((s) => s.setMtlComparableOnly);
  if (!run) return null;
  const labels = ARM_LABELS(run.form.alternative);
  const last = run.metrics[run.metrics.length - 1];
  const set = last ? (comparableOnly ? last.comparable : last.all) : null;
  return (
    <section className="panel">
      <div className="panel-head">
        <h2>Test metrics per task{last ? ` (step ${last.step})` : ''}</h2>
        <label className="mtl-toggle">
          <input type="checkbox" data-testid="mtl-comparable-toggle" checked={comparableOnly} onChange={(e) => setComparable(e.target.checked)} />
          comparable samples only
        </label>
      </div>
      <p className="hint">
        Comparable samples (STEM): rows whose labels agree across tasks (all positive or all negative); negative transfer shows most there.
      </p>
      <div className="table-scroll">
        <table className="runs-table mtl-metrics" data-testid="mtl-metrics" data-subset={comparableOnly ? 'comparable' : 'all'}>
          <thead>
            <tr>
              <th>optimiser</th>
              <th>task</th>
              <th className="num">AUC</th>
              <th className="num">logloss</th>
              <th className="num">gAUC</th>
              <th className="num">rows</th>
              <th className="num">positives</th>
            </tr>
          </thead>
          <tbody>
            {set ? (
              (['adam', 'alt'] as MtlArm[]).flatMap((arm) =>
                set[arm].map((m) => (
                  <tr key={`${arm}-${m.task}`} data-task={m.task} data-arm={arm} data-auc={m.auc}>
                    <td>{labels[arm]}</td>
                    <td>{m.task}</td>
                    <td className="num">{f3(m.auc)}</td>
                    <td className="num">{f3(m.logloss)}</td>
                    <td className="num">{f3(m.gauc)}</td>
                    <td className="num">{m.rows.toLocaleString()}</td>
                    <td className="num">{m.positives.toLocaleString()}</td>
                  </tr>
                )),
              )
            ) : (
              <tr>
                <td colSpan={7} className="muted">
                  Metrics appear after the first evaluation.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <DataExport filename="multitask-metrics" table={() => metricsTable(run, labels)} json={() => run.metrics} />
    </section>
  );
}
