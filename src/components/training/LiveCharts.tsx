import { useCallback, useMemo, useState } from 'react';
import { renderIaOverSteps, iaSeries } from '../../charts/iaOverSteps.ts';
import { addMatrixTooltip, renderInteractionMatrix } from '../../charts/interactionMatrix.ts';
import { lossSeries, renderLossCurve } from '../../charts/lossCurve.ts';
import { interactiveLineChart, type LineSeries } from '../../charts/metricLines.ts';
import { addHeatmapTooltip, renderSpectrumHeatmap } from '../../charts/spectrumHeatmap.ts';
import { interactionTable, seriesTable, spectrumTable } from '../../export/chartTables.ts';
import type { TrainingRun } from '../../state/trainingSlice.ts';
import { ChartFigure } from '../ChartFigure.tsx';
import { DataExport } from '../DataExport.tsx';

function validSeries(runs: Pick<TrainingRun, 'label' | 'evals'>[], metric: 'auc' | 'logloss'): LineSeries[] {
  return runs.map((r) => ({ label: runs.length > 1 ? `${r.label} ${metric}` : `valid ${metric}`, points: r.evals.map((e) => ({ x: e.step, y: e[metric] })) }));
}

/** Loss, validation metrics (one or two runs overlaid), and the live spectrum views of the first run. */
export function LiveCharts({ runs }: { runs: TrainingRun[] }) {
  const run = runs[0];
  const [set, setSet] = useState(0);
  const sets = run.spectra[run.spectra.length - 1]?.sets.length ?? 1;
  const shownSet = Math.min(set, sets - 1);
  const spectra = run.spectra;
  const latest = useMemo(() => spectra[spectra.length - 1]?.sets[shownSet] ?? [], [spectra, shownSet]);
  const snapshots = useMemo(() => spectra.map((s) => ({ step: s.step, fields: s.sets[shownSet] ?? [] })), [spectra, shownSet]);
  const bayes = runs.find((r) => r.bayesAuc !== undefined)?.bayesAuc;
  // Each chart redraws only when its own data changes (the run objects change on every event).
  const [a, b] = runs;
  const lossRuns = useMemo(() => [a, b].filter(Boolean).map((r) => ({ label: r.label, losses: r.losses })), [a?.label, a?.losses, b?.label, b?.losses]); // eslint-disable-line react-hooks/exhaustive-deps
  const evalRuns = useMemo(() => [a, b].filter(Boolean).map((r) => ({ label: r.label, evals: r.evals })), [a?.label, a?.evals, b?.label, b?.evals]); // eslint-disable-line react-hooks/exhaustive-deps

  const drawLoss = useCallback((w: number) => renderLossCurve(lossRuns, w), [lossRuns]);
  const drawAuc = useCallback(
    (w: number) =>
      interactiveLineChart(validSeries(evalRuns, 'auc'), {
        width: w,
        title: 'Validation AUC',
        xLabel: 'step',
        yLabel: 'AUC',
        dots: true,
        references: bayes === undefined ? [] : [{ y: bayes, label: `Bayes AUC ${bayes.toFixed(3)} (true click probabilities)` }],
      }),
    [evalRuns, bayes],
  );
  const drawLogloss = useCallback(
    (w: number) =>
      interactiveLineChart(validSeries(evalRuns, 'logloss'), { width: w, title: 'Validation logloss', xLabel: 'step', yLabel: 'logloss', dots: true }),
    [evalRuns],
  );
  const step = run.spectra[run.spectra.length - 1]?.step ?? 0;
  const setLabel = sets > 1 ? `, set ${shownSet + 1} of ${sets}` : '';
  const drawHeatmap = useCallback(
    (w: number) => addHeatmapTooltip(renderSpectrumHeatmap(latest, { width: w, title: `Live spectrum per field at step ${step}${setLabel}` }), latest),
    [latest, step, setLabel],
  );
  const drawIa = useCallback((w: number) => renderIaOverSteps(snapshots, w, `Information abundance per field over training${setLabel}`), [snapshots, setLabel]);
  // K (the colour scale's top) is the embedding dimension the spectra were measured at.
  const embeddingDim = latest[0]?.dim ?? run.form.dim * run.form.sizeMultiplier;
  const interaction = run.interaction;
  const matrix = useMemo(() => (interaction ? { ...interaction, dim: embeddingDim } : null), [interaction, embeddingDim]);
  const drawMatrix = useCallback((w: number) => (matrix ? addMatrixTooltip(renderInteractionMatrix(matrix, { width: w }), matrix) : null), [matrix]);

  return (
    <div className="train-charts">
      <div className="chart-pair">
        <div>
          <ChartFigure testId="loss-chart" filename="training-loss" render={drawLoss} deferred />
          <DataExport filename="training-loss" table={() => seriesTable(lossSeries(lossRuns), 'step', 'loss')} json={() => lossRuns} />
        </div>
        <div>
          <ChartFigure testId="auc-chart" filename="validation-auc" render={drawAuc} deferred />
          <DataExport
            filename="validation-metrics"
            table={() => seriesTable([...validSeries(runs, 'auc'), ...validSeries(runs, 'logloss')], 'step', 'value')}
            json={() => runs.map((r) => ({ label: r.label, evals: r.evals, bayesAuc: r.bayesAuc }))}
          />
        </div>
        <ChartFigure testId="logloss-chart" filename="validation-logloss" render={drawLogloss} deferred />
      </div>
      {sets > 1 && (
        <label className="field inline">
          <span>Embedding set shown</span>
          <select data-testid="spectrum-set-select" value={shownSet} onChange={(e) => setSet(Number(e.target.value))}>
            {Array.from({ length: sets }, (_, i) => (
              <option key={i} value={i}>
                set {i + 1}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="chart-pair">
        <div>
          <ChartFigure
            testId="live-heatmap"
            filename="live-spectrum"
            render={drawHeatmap}
            deferred
            caption="Rows: fields by cardinality; colour s_i/s_1 (RecScope recipe), recomputed from the live tables every few steps."
          />
          <DataExport filename="live-spectrum" table={() => spectrumTable(latest)} json={() => ({ step, fields: latest })} />
        </div>
        <div>
          <ChartFigure testId="ia-lines" filename="ia-over-steps" render={drawIa} deferred />
          <DataExport
            filename="ia-over-steps"
            table={() => seriesTable(iaSeries(snapshots), 'step', 'ia')}
            json={() => snapshots.map((s) => ({ step: s.step, ia: Object.fromEntries(s.fields.map((f) => [f.name, f.information_abundance])) }))}
          />
        </div>
      </div>
      {matrix && (
        <div>
          <ChartFigure
            testId="interaction-matrix"
            filename="interaction-collapse"
            render={drawMatrix}
            deferred
            caption="DCNv2: IA of field i (row) after the first cross layer projects it for field j (column). Interacting with a low-IA field lowers IA."
          />
          <DataExport filename="interaction-collapse" table={() => interactionTable(matrix)} json={() => matrix} />
        </div>
      )}
    </div>
  );
}
