import { useCallback } from 'react';
import { renderCosineMatrix } from '../../charts/cosineMatrix.ts';
import { renderDominanceBars } from '../../charts/dominanceBars.ts';
import { renderEntanglementHeatmap } from '../../charts/entanglementHeatmap.ts';
import { renderRauHistogram } from '../../charts/rauHistogram.ts';
import { renderRauLines } from '../../charts/rauLines.ts';
import { modelName } from '../../contracts/modelNames.ts';
import { shownLayer, type MtlRun } from '../../state/multitaskSlice.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { ChartFigure } from '../ChartFigure.tsx';
import { DataExport } from '../DataExport.tsx';
import { cosineTable, dominanceTable, entanglementTable, rauHistogramTable, rauOverStepsTable } from './mtlExport.ts';
import { ARM_LABELS } from '../../state/multitaskController.ts';

/** Dominance, rAU over steps, rAU histogram, gradient cosine and entanglement of the live or opened run. */
export function MtlCharts({ run }: { run: MtlRun }) {
  const chosen = useStudioStore((s) => s.mtlLayer);
  const setLayer = useStudioStore((s) => s.setMtlLayer);
  const layer = shownLayer(run, chosen);
  const labels = ARM_LABELS(run.form.alternative);
  const last = run.snapshots[run.snapshots.length - 1];
  const tasks = run.tasks;
  const twoTasks: [string, string] = [tasks[0] ?? 'A', tasks[1] ?? 'B'];

  const drawDominance = useCallback(
    (w: number) =>
      renderDominanceBars(
        tasks,
        last
          ? [
              { label: labels.adam, layers: last.arms.adam.dominance },
              { label: labels.alt, layers: last.arms.alt.dominance },
            ]
          : [],
        w,
      ),
    [tasks, last, labels.adam, labels.alt],
  );
  const overlay = useStudioStore((s) => s.mtlOverlay);
  // An overlaid run joins the chart when it measured the same tasks (its layer may be missing).
  const shownOverlay = overlay && overlay.id !== run.id && overlay.tasks.join() === tasks.join() ? overlay : null;
  const drawLines = useCallback(
    (w: number) => {
      const track = (r: MtlRun, arm: 'adam' | 'alt', label: string) => ({
        label,
        points: r.snapshots.map((s) => ({ step: s.step, meanRau: s.arms[arm].dominance.find((l) => l.layer === layer)?.meanRau ?? [] })),
      });
      // With an overlaid run, every track names its model too.
      const tracks = (['adam', 'alt'] as const).map((arm) => track(run, arm, shownOverlay ? `${modelName(run.form.model)} ${labels[arm]}` : labels[arm]));
      if (shownOverlay) {
        const other = ARM_LABELS(shownOverlay.form.alternative);
        tracks.push(...(['adam', 'alt'] as const).map((arm) => track(shownOverlay, arm, `${modelName(shownOverlay.form.model)} ${other[arm]}`)));
      }
      return renderRauLines(layer, tasks, tracks, w);
    },
    [layer, tasks, run, labels, shownOverlay],
  );
  const drawHistogram = useCallback(
    (w: number) =>
      renderRauHistogram(
        layer,
        tasks,
        last
          ? (['adam', 'alt'] as const).map((arm) => ({
              label: labels[arm],
              histogram: last.arms[arm].dominance.find((l) => l.layer === layer)?.histogram ?? [],
            }))
          : [],
        w,
      ),
    [layer, tasks, last, labels],
  );
  const drawCosine = useCallback(
    (w: number) => renderCosineMatrix(tasks, last ? (['adam', 'alt'] as const).map((arm) => ({ label: labels[arm], layers: last.arms[arm].cosine })) : [], w),
    [tasks, last, labels],
  );
  const drawEntanglementOf = useCallback(
    (arm: 'adam' | 'alt', w: number) =>
      renderEntanglementHeatmap(
        `${labels[arm]}: cos(g_${twoTasks[0]}, g_${twoTasks[1]})`,
        run.fields,
        run.snapshots.map((s) => ({ step: s.step, cosine: s.arms[arm].entanglement })),
        w,
      ),
    [labels, twoTasks[0], twoTasks[1], run.fields, run.snapshots], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const drawEntanglement = useCallback((w: number) => drawEntanglementOf('adam', w), [drawEntanglementOf]);
  const drawEntanglementAlt = useCallback((w: number) => drawEntanglementOf('alt', w), [drawEntanglementOf]);
  const hasEmbedding = run.snapshots.some((s) => s.arms.adam.entanglement.length > 0);

  return (
    <>
      <section className="panel">
        <h2>Which task dominates each shared layer</h2>
        <p className="hint">
          rAU<sup>k</sup> = AU<sup>k</sup> / Σ<sub>j</sub> AU<sup>j</sup>, where AU is the decaying average of the squared update task k contributes (β ={' '}
          {run.form.beta}). 1/T is balance. In the engine's runs on the synthetic data (click 30 %, like 3 %), Adam let click dominate the shared embedding
          (mean rAU 0.75–0.80) and AdaTask pulled it toward 1/T (0.60–0.64); the top shared layer stayed below 0.7 for either optimiser. A short run here may
          differ: read the numbers below, not the expectation.
        </p>
        <ChartFigure testId="dominance-chart" filename="task-dominance" render={drawDominance} />
        <DataExport filename="task-dominance" table={() => dominanceTable(run, labels)} json={() => last?.arms ?? null} />
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>rAU of one shared layer</h2>
          <label className="mtl-toggle">
            layer
            <select data-testid="mtl-layer-select" value={layer} onChange={(e) => setLayer(e.target.value)}>
              {run.layers.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        </div>
        {overlay && overlay.id !== run.id && (
          <p className="hint" data-testid="mtl-overlay-note">
            {shownOverlay
              ? `Dotted and dash-dot: ${shownOverlay.label}${shownOverlay.layers.includes(layer) ? '' : ` (it has no layer ${layer})`}.`
              : `${overlay.label} measured other tasks (${overlay.tasks.join(', ')}), so it is not drawn.`}
          </p>
        )}
        <div className="mtl-grid">
          <div>
            <ChartFigure testId="rau-lines" filename={`rau-over-steps-${layer}`} render={drawLines} />
            <DataExport
              filename="rau-over-steps"
              table={() => rauOverStepsTable(run, labels)}
              json={() =>
                run.snapshots.map((s) => ({
                  step: s.step,
                  adam: s.arms.adam.dominance.map((l) => ({ layer: l.layer, meanRau: l.meanRau })),
                  alt: s.arms.alt.dominance.map((l) => ({ layer: l.layer, meanRau: l.meanRau })),
                }))
              }
            />
          </div>
          <div>
            <ChartFigure testId="rau-histogram" filename={`rau-histogram-${layer}`} render={drawHistogram} />
            <DataExport filename="rau-histogram" table={() => rauHistogramTable(run, labels)} json={() => last?.arms ?? null} />
          </div>
        </div>
      </section>
      <section className="panel">
        <h2>Do the task gradients conflict?</h2>
        <p className="hint">
          Cosine of the tasks' gradients over each shared layer at the last step (diagonal 1). Below 0 the tasks pull the layer in opposite directions (PCGrad's
          diagnostic).
        </p>
        <ChartFigure testId="cosine-matrix" filename="gradient-cosine" render={drawCosine} />
        <DataExport
          filename="gradient-cosine"
          table={() => cosineTable(run, labels)}
          json={() => (last ? { step: last.step, adam: last.arms.adam.cosine, alt: last.arms.alt.cosine } : null)}
        />
      </section>
      <section className="panel">
        <h2>Gradient entanglement per field</h2>
        <p className="hint">
          {hasEmbedding
            ? `Per field and step, the mean over the embedding rows the batch touched of the cosine between the two tasks\u2019 gradients on the shared embedding, for each optimiser\u2019s model. Blue: the tasks agree; red: they pull the same rows apart.`
            : 'No shared-embedding gradients yet.'}
        </p>
        <div className="mtl-grid">
          <ChartFigure testId="entanglement-heatmap" filename="gradient-entanglement-adam" render={drawEntanglement} />
          <ChartFigure testId="entanglement-heatmap-alt" filename={`gradient-entanglement-${run.form.alternative}`} render={drawEntanglementAlt} />
        </div>
        <DataExport
          filename="gradient-entanglement"
          table={() => entanglementTable(run, labels)}
          json={() => ({
            fields: run.fields,
            columns: run.snapshots.map((s) => ({ step: s.step, adam: s.arms.adam.entanglement, alt: s.arms.alt.entanglement })),
          })}
        />
      </section>
    </>
  );
}
