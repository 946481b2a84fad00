import { useCallback, useMemo } from 'react';
import { renderScalingChart, scalingSeries } from '../../charts/scalingChart.ts';
import { seriesTable } from '../../export/chartTables.ts';
import { SCALING_SIZES, summarizeScaling, type ScalingVariant } from '../../analysis/scalingPlan.ts';
import { MODEL_KINDS, type ModelKind } from '../../contracts/modelConfig.ts';
import { readScaling } from '../../state/runReading.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { ChartFigure } from '../ChartFigure.tsx';
import { DataExport } from '../DataExport.tsx';
import { useTrainingController } from '../runControllersContext.ts';

/** The scaling experiment: a queue of runs at 1x..10x, single vs multi-embedding, and its two charts. */
export function ScalingPanel() {
  const c = useTrainingController();
  const scaling = useStudioStore((s) => s.scaling);
  const setScaling = useStudioStore((s) => s.setScaling);
  const busy = useStudioStore((s) => s.trainingRuns.some((r) => r.status === 'running' || r.status === 'paused'));
  const bayes = useStudioStore((s) => s.datasetIndex.find((d) => d.id === s.trainingForm.datasetId)?.bayesTestAuc);
  const { settings } = scaling;
  const running = scaling.phase === 'running';
  const rows = useMemo(() => summarizeScaling(scaling.points), [scaling.points]);
  const readings = useMemo(() => readScaling(scaling.points, bayes), [scaling.points, bayes]);
  const setSettings = (patch: Partial<typeof settings>) => setScaling({ settings: { ...settings, ...patch } });
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  const drawAuc = useCallback((w: number) => renderScalingChart(rows, 'auc-vs-params', w, bayes), [rows, bayes]);
  const drawIa = useCallback((w: number) => renderScalingChart(rows, 'ia-vs-size', w), [rows]);

  return (
    <section className="panel scaling-panel" aria-labelledby="scaling-heading">
      <h2 id="scaling-heading">Scaling experiment: single vs multi-embedding</h2>
      <p className="hint">
        Single embedding grows one table to dim = base x size; multi-embedding adds size tables of the base dim. Uses the dataset, MLP and optimiser above;
        seeds start at the seed above.
        {settings.seeds > 1 ? ` Each point is the mean of ${settings.seeds} seeds, its bar ±1 standard deviation.` : ''}
      </p>
      <div className="form-row wrap">
        <label className="field compact">
          <span>Model</span>
          <select value={settings.kind} disabled={running} onChange={(e) => setSettings({ kind: e.target.value as ModelKind })}>
            {MODEL_KINDS.filter((k) => k !== 'lr').map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="field compact">
          <span>Base dim</span>
          <input
            type="number"
            min={1}
            max={64}
            value={settings.baseDim}
            disabled={running}
            onChange={(e) => Number(e.target.value) >= 1 && setSettings({ baseDim: Number(e.target.value) })}
          />
        </label>
        <label className="field compact">
          <span>Epochs per run</span>
          <input
            type="number"
            min={1}
            max={100}
            value={settings.epochs}
            disabled={running}
            onChange={(e) => Number(e.target.value) >= 1 && setSettings({ epochs: Number(e.target.value) })}
          />
        </label>
        <label className="field compact">
          <span>Seeds per point</span>
          <input
            type="number"
            data-testid="scaling-seeds"
            min={1}
            max={5}
            value={settings.seeds}
            disabled={running}
            onChange={(e) => Number(e.target.value) >= 1 && Number(e.target.value) <= 5 && setSettings({ seeds: Math.round(Number(e.target.value)) })}
          />
        </label>
        <fieldset className="field compact">
          <legend>Sizes</legend>
          <div className="checks">
            {SCALING_SIZES.map((s) => (
              <label key={s}>
                <input
                  type="checkbox"
                  checked={settings.sizes.includes(s)}
                  disabled={running}
                  onChange={() => setSettings({ sizes: toggle(settings.sizes, s).sort((a, b) => a - b) })}
                />
                {s}x
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field compact">
          <legend>Variants</legend>
          <div className="checks">
            {(['single', 'multi'] as ScalingVariant[]).map((v) => (
              <label key={v}>
                <input
                  type="checkbox"
                  checked={settings.variants.includes(v)}
                  disabled={running}
                  onChange={() => setSettings({ variants: toggle(settings.variants, v) })}
                />
                {v}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="train-buttons">
        <button
          type="button"
          className="primary"
          data-testid="scaling-start"
          disabled={running || busy || settings.sizes.length === 0 || settings.variants.length === 0}
          onClick={() => void c.startScaling()}
        >
          Run scaling experiment
        </button>
        <button type="button" data-testid="scaling-cancel" disabled={!running} onClick={() => c.cancelScaling()}>
          Cancel
        </button>
      </div>
      {scaling.phase !== 'idle' && (
        <div
          className="scaling-progress"
          data-testid="scaling-progress"
          data-phase={scaling.phase}
          data-index={scaling.index}
          data-total={scaling.total}
          role="status"
        >
          <progress max={Math.max(1, scaling.total)} value={Math.min(scaling.index + (running ? 0 : 1), scaling.total)} />
          <span>
            {running
              ? `Run ${scaling.index + 1} of ${scaling.total}: ${scaling.current}${Number.isFinite(scaling.currentAuc) ? ` · valid AUC ${scaling.currentAuc.toFixed(4)}` : ''}`
              : `${scaling.phase === 'done' ? 'Done' : scaling.phase === 'cancelled' ? 'Cancelled' : 'Stopped'}: ${scaling.points.length} of ${scaling.total} runs measured`}
          </span>
        </div>
      )}
      {rows.length > 0 && (
        <>
          <div className="chart-pair">
            <ChartFigure testId="scaling-chart" filename="scaling-auc-vs-params" render={drawAuc} />
            <ChartFigure testId="scaling-ia-chart" filename="scaling-ia-vs-size" render={drawIa} />
          </div>
          <DataExport
            filename="scaling-experiment"
            table={() =>
              seriesTable(
                [
                  ...scalingSeries(rows, 'auc-vs-params').map((s) => ({ ...s, label: `${s.label} test AUC vs params` })),
                  ...scalingSeries(rows, 'ia-vs-size').map((s) => ({ ...s, label: `${s.label} mean IA vs size` })),
                ],
                'x',
                'y',
                'sd over seeds',
              )
            }
            json={() => ({ summary: rows, points: scaling.points })}
          />
          {!running && readings.length > 0 && (
            <ul className="hint scaling-readings" data-testid="scaling-readings">
              {readings.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
