import { useCallback, useMemo, useState } from 'react';
import { renderIaOverSteps, iaSeries } from '../../charts/iaOverSteps.ts';
import { interactionCsv, renderInteractionMatrix } from '../../charts/interactionMatrix.ts';
import { lossSeries, renderLossCurve } from '../../charts/lossCurve.ts';
import { renderLineChart, seriesCsv, type LineSeries } from '../../charts/metricLines.ts';
import { renderSpectrumHeatmap } from '../../charts/spectrumHeatmap.ts';
import type { TrainingRun } from '../../state/trainingSlice.ts';
import { ChartFigure } from '../ChartFigure.tsx';
import { DataExport } from './DataExport.tsx';
import { useDeferredDraw } from './useDeferredDraw.ts';

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

  const drawLoss = useCallback((svg: SVGSVGElement, w: number) => renderLossCurve(svg, lossRuns, w), [lossRuns]);
  const drawAuc = useCallback(
    (svg: SVGSVGElement, w: number) =>
      renderLineChart(svg, validSeries(evalRuns, 'auc'), { width: w, title: 'Validation AUC', xLabel: 'step', yLabel: 'AUC', dots: true, references: bayes === undefined ? [] : [{ y: bayes, label: `Bayes AUC ${bayes.toFixed(3)} (true click probabilities)` }] }),
    [evalRuns, bayes],
  );
  const drawLogloss = useCallback((svg: SVGSVGElement, w: number) => renderLineChart(svg, validSeries(evalRuns, 'logloss'), { width: w, title: 'Validation logloss', xLabel: 'step', yLabel: 'logloss', dots: true }), [evalRuns]);
  const step = run.spectra[run.spectra.length - 1]?.step ?? 0;
  const setLabel = sets > 1 ? `, set ${shownSet + 1} of ${sets}` : '';
  const drawHeatmap = useCallback((svg: SVGSVGElement, w: number) => renderSpectrumHeatmap(svg, latest, { width: w, title: `Live spectrum per field at step ${step}${setLabel}` }), [latest, step, setLabel]);
  const drawIa = useCallback((svg: SVGSVGElement, w: number) => renderIaOverSteps(svg, snapshots, w, `Information abundance per field over training${setLabel}`), [snapshots, setLabel]);
  const matrix = run.interaction;
  const drawMatrix = useCallback((svg: SVGSVGElement, w: number) => matrix && renderInteractionMatrix(svg, matrix, { width: Math.min(w, 720) }), [matrix]);
  const drawLossLater = useDeferredDraw(drawLoss);
  const drawAucLater = useDeferredDraw(drawAuc);
  const drawLoglossLater = useDeferredDraw(drawLogloss);
  const drawHeatmapLater = useDeferredDraw(drawHeatmap);
  const drawIaLater = useDeferredDraw(drawIa);
  const drawMatrixLater = useDeferredDraw(drawMatrix);

  return (
    <div className="train-charts">
      <div className="chart-pair">
        <div>
          <ChartFigure testId="loss-chart" filename="training-loss" draw={drawLossLater} />
          <DataExport filename="training-loss" csv={() => seriesCsv(lossSeries(lossRuns), 'step', 'loss')} json={() => lossRuns} />
        </div>
        <div>
          <ChartFigure testId="auc-chart" filename="validation-auc" draw={drawAucLater} />
          <DataExport filename="validation-metrics" csv={() => seriesCsv([...validSeries(runs, 'auc'), ...validSeries(runs, 'logloss')], 'step', 'value')} json={() => runs.map((r) => ({ label: r.label, evals: r.evals, bayesAuc: r.bayesAuc }))} />
        </div>
        <ChartFigure testId="logloss-chart" filename="validation-logloss" draw={drawLoglossLater} />
      </div>
      {sets > 1 && (
        <label className="field inline">
          <span>Embedding set shown</span>
          <select data-testid="spectrum-set-select" value={shownSet} onChange={(e) => setSet(Number(e.target.value))}>
            {Array.from({ length: sets }, (_, i) => <option key={i} value={i}>set {i + 1}</option>)}
          </select>
        </label>
      )}
      <div className="chart-pair">
        <div>
          <ChartFigure testId="live-heatmap" filename="live-spectrum" draw={drawHeatmapLater} caption="Rows: fields by cardinality; colour s_i/s_1 (RecScope recipe), recomputed from the live tables every few steps." />
          <DataExport filename="live-spectrum" csv={() => ['field,index,s_over_s1', ...latest.flatMap((f) => f.normalized_spectrum.map((v, i) => `${f.name},${i + 1},${v}`))].join('\n') + '\n'} json={() => ({ step, fields: latest })} />
        </div>
        <div>
          <ChartFigure testId="ia-lines" filename="ia-over-steps" draw={drawIaLater} />
          <DataExport filename="ia-over-steps" csv={() => seriesCsv(iaSeries(snapshots), 'step', 'ia')} json={() => snapshots.map((s) => ({ step: s.step, ia: Object.fromEntries(s.fields.map((f) => [f.name, f.information_abundance])) }))} />
        </div>
      </div>
      {matrix && (
        <div>
          <ChartFigure testId="interaction-matrix" filename="interaction-collapse" draw={drawMatrixLater} caption="DCNv2: IA of field i (row) after the first cross layer projects it for field j (column). Interacting with a low-IA field lowers IA." />
          <DataExport filename="interaction-collapse" csv={() => interactionCsv(matrix)} json={() => matrix} />
        </div>
      )}
    </div>
  );
}
