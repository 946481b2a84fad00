import { useCallback, useMemo, useState } from 'react';
import { renderCategoryConflictBars } from '../../charts/categoryConflictBars.ts';
import { renderCorrelationHeatmaps } from '../../charts/correlationHeatmap.ts';
import { renderGradientCosineHistogram } from '../../charts/gradientCosineHistogram.ts';
import { interactiveLineChart } from '../../charts/metricLines.ts';
import {
  aucLines,
  comparedGroups,
  comparisonVerdicts,
  conflictLines,
  gradientRun,
  heatmapRuns,
  lastGradient,
  runShortLabel,
  searchCaveat,
  loglossLines,
  SEARCH_K,
  normRatioLines,
  searchLines,
  spearmanLines,
  sweepChartLines,
  sweepPoints,
  type SeqLine,
} from '../../state/sequenceReading.ts';
import type { SeqRun } from '../../state/sequenceSlice.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import type { SeqGroundTruth } from '../../workers/sequenceProtocol.ts';
import { ChartFigure } from '../ChartFigure.tsx';
import { DataExport } from '../DataExport.tsx';
import { categoryConflictTable, correlationTable, histogramTable, linesTable, runsTable, sweepTable } from './seqExport.ts';

/** Targets drawn before "Show all". */
const FIRST_TARGETS = 3;

function lineChart(
  lines: SeqLine[],
  title: string,
  yLabel: string,
  extra: { yDomain?: [number, number]; references?: { y: number; label: string }[]; xLabel?: string; dots?: boolean } = {},
) {
  return (w: number) => interactiveLineChart(lines, { width: w, title, xLabel: extra.xLabel ?? 'step', yLabel, ...extra });
}

function TargetHeatmap({ truth, index, models }: { truth: SeqGroundTruth; index: number; models: ReturnType<typeof heatmapRuns> }) {
  const target = truth.targets[index];
  const draw = useCallback(
    (w: number) =>
      renderCorrelationHeatmaps(
        target.category,
        truth.categories,
        truth.positions,
        [
          { label: 'ground truth', values: target.mi, unit: 'MI, bits', note: `${target.positives} positives, ${target.negatives} negatives` },
          ...models.map((m) => {
            const rho = m.snapshot.correlation!.spearman[index];
            return {
              label: m.label,
              values: m.snapshot.correlation!.learned[index] ?? [],
              unit: 'learned, min-max',
              note: `Spearman ρ ${Number.isFinite(rho) ? rho.toFixed(2) : '–'} with the ground truth`,
            };
          }),
        ],
        w,
      ),
    [truth, target, models, index],
  );
  return <ChartFigure testId={`seq-heatmap-${index}`} filename={`correlation-${target.category}`} render={draw} />;
}

/** The ground truth beside each model's learned correlation, search quality, gradient conflict, AUC and the attention-dim sweep. */
export function SeqCharts({ truth, runs }: { truth: SeqGroundTruth; runs: SeqRun[] }) {
  const focus = useStudioStore((s) => s.seqFocus);
  const [allTargets, setAllTargets] = useState(false);
  // Read once per change of the runs (the store batches a live run's events), so charts redraw only then.
  const read = useMemo(() => {
    const groups = comparedGroups(runs);
    const sweep = sweepPoints(groups);
    return {
      groups,
      models: heatmapRuns(groups),
      auc: aucLines(groups),
      logloss: loglossLines(groups),
      search: searchLines(groups),
      spearman: spearmanLines(groups),
      conflict: conflictLines(groups),
      ratio: normRatioLines(groups),
      sweep,
      sweepLines: sweepChartLines(sweep),
      verdicts: comparisonVerdicts(groups),
      bayes: runs.find((r) => r.bayesAuc !== undefined)?.bayesAuc,
    };
  }, [runs]);
  const { groups, models, auc, logloss, search, spearman, conflict, ratio, sweep, sweepLines, verdicts, bayes } = read;
  const gRun = useMemo(() => gradientRun(runs, focus), [runs, focus]);
  const gradient = lastGradient(gRun);
  const gLabel = gRun ? runShortLabel(gRun) : '';
  const caveat = searchCaveat(
    groups.flatMap((g) => g.runs),
    SEARCH_K,
  );
  const shownTargets = allTargets ? truth.targets.length : Math.min(FIRST_TARGETS, truth.targets.length);

  const drawAuc = useCallback(
    (w: number) =>
      lineChart(auc, 'Test AUC over training', 'test AUC', { references: bayes !== undefined ? [{ y: bayes, label: `Bayes ${bayes.toFixed(3)}` }] : [] })(w),
    [auc, bayes],
  );
  const drawLogloss = useCallback((w: number) => lineChart(logloss, 'Test logloss over training', 'logloss')(w), [logloss]);
  const drawSearch = useCallback((w: number) => lineChart(search, `Search quality over training (k = ${SEARCH_K})`, 'share', { yDomain: [0, 1] })(w), [search]);
  const drawSpearman = useCallback(
    (w: number) => lineChart(spearman, 'Learned vs ground-truth correlation', 'mean Spearman ρ', { yDomain: [-1, 1] })(w),
    [spearman],
  );
  const drawHistogram = useCallback((w: number) => (gradient ? renderGradientCosineHistogram(gLabel, gradient, w) : null), [gradient, gLabel]);
  const drawCategories = useCallback((w: number) => (gradient ? renderCategoryConflictBars(gLabel, gradient.perCategory, w) : null), [gradient, gLabel]);
  const drawConflict = useCallback(
    (w: number) => lineChart(conflict, 'Conflicting share over steps', 'share of rows with cos < 0', { yDomain: [0, 1] })(w),
    [conflict],
  );
  const drawRatio = useCallback(
    (w: number) => lineChart(ratio, 'Domination over steps', '||g_repr|| / ||g_attn||', { references: [{ y: 1, label: 'balance' }] })(w),
    [ratio],
  );
  const drawSweep = useCallback(
    (w: number) => lineChart(sweepLines, 'Search cost against AUC', 'test AUC', { xLabel: 'search stage, ms per batch (measured)', dots: true })(w),
    [sweepLines],
  );

  return (
    <>
      <section className="panel" data-testid="seq-verdicts">
        <h2>What the runs show</h2>
        {verdicts.length === 0 ? (
          <p className="hint">No finished run yet. Train TWIN and DARE (Compare) to read their results here.</p>
        ) : (
          <ul className="seq-verdicts">
            {verdicts.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Which behaviours predict the label, and did attention learn it?</h2>
          {truth.targets.length > FIRST_TARGETS && (
            <button type="button" className="ghost small" onClick={() => setAllTargets(!allTargets)}>
              {allTargets ? `Show ${FIRST_TARGETS}` : `Show all ${truth.targets.length} target categories`}
            </button>
          )}
        </div>
        <p className="hint">
          Per target category (the {truth.targets.length} most frequent), rows are behaviour categories and columns positions before the target (1 = most
          recent). Ground truth: the mutual information in bits between &ldquo;this category at this position&rdquo; and the label, counted on the training
          split (as <code>reclens correlation --split train</code>). Beside it, each model&apos;s learned correlation from its attention tables (category and
          position embeddings), with their Spearman rank correlation. Each panel is min-max scaled; hover a cell for its value.
        </p>
        <div className="seq-heatmaps">
          {truth.targets.slice(0, shownTargets).map((_, i) => (
            <TargetHeatmap key={i} truth={truth} index={i} models={models} />
          ))}
        </div>
        <DataExport
          filename="feature-correlation"
          table={() =>
            correlationTable(
              truth,
              models.map((m) => ({ label: m.label, learned: m.snapshot.correlation!.learned, spearman: m.snapshot.correlation!.spearman })),
            )
          }
          json={() => ({ groundTruth: truth, models: models.map((m) => ({ run: m.run.label, step: m.snapshot.step, ...m.snapshot.correlation })) })}
        />
        <div className="mtl-grid">
          <div>
            <ChartFigure testId="seq-spearman" filename="learned-correlation-spearman" render={drawSpearman} />
            <DataExport filename="learned-correlation-spearman" table={() => linesTable(spearman, 'step', 'spearman')} json={() => spearman} />
          </div>
          <div>
            <ChartFigure testId="seq-search-quality" filename="search-quality" render={drawSearch} />
            {caveat && (
              <p className="hint warn-text" data-testid="seq-search-caveat">
                {caveat}
              </p>
            )}
            <DataExport filename="search-quality" table={() => linesTable(search, 'step', 'share')} json={() => search} />
          </div>
        </div>
      </section>
      <section className="panel">
        <h2>Do attention and representation fight over one embedding?</h2>
        <p className="hint">
          {gradient
            ? `Coupled models (DIN, TWIN, TIN) use one category table for both roles. Each step, the gradient each role sends to a category row is observed separately (the model trains unchanged); below 0 the roles pull that row apart. Shown: ${gRun?.label}. DARE has separate tables, so nothing to observe.`
            : 'Train a coupled model (DIN, TWIN or TIN) to observe its attention and representation gradients; DARE has separate tables.'}
        </p>
        {gradient && (
          <div className="mtl-grid">
            <div>
              <ChartFigure testId="seq-conflict-histogram" filename="gradient-conflict-histogram" render={drawHistogram} />
              <DataExport filename="gradient-conflict-histogram" table={() => histogramTable(gLabel, gradient)} json={() => gradient} />
            </div>
            <div>
              <ChartFigure testId="seq-conflict-categories" filename="gradient-conflict-per-category" render={drawCategories} />
              <DataExport filename="gradient-conflict-per-category" table={() => categoryConflictTable(gLabel, gradient)} json={() => gradient.perCategory} />
            </div>
            <div>
              <ChartFigure testId="seq-conflict-steps" filename="gradient-conflict-over-steps" render={drawConflict} />
              <DataExport filename="gradient-conflict-over-steps" table={() => linesTable(conflict, 'step', 'conflicting_share')} json={() => conflict} />
            </div>
            <div>
              <ChartFigure testId="seq-domination" filename="gradient-domination" render={drawRatio} />
              <DataExport filename="gradient-domination" table={() => linesTable(ratio, 'step', 'norm_ratio')} json={() => ratio} />
            </div>
          </div>
        )}
      </section>
      <section className="panel">
        <h2>Does decoupling help? Test AUC and logloss over training</h2>
        <p className="hint">Runs with the newest run&apos;s settings, grouped by model; with several seeds the line is their mean and the bars their sd.</p>
        <div className="mtl-grid">
          <ChartFigure testId="seq-auc" filename="sequence-auc" render={drawAuc} />
          <ChartFigure testId="seq-logloss" filename="sequence-logloss" render={drawLogloss} />
        </div>
        <DataExport filename="sequence-metrics" table={() => runsTable(groups.flatMap((g) => g.runs))} json={() => ({ auc, logloss })} />
      </section>
      <section className="panel">
        <h2>Attention-dim sweep: search cost against AUC</h2>
        <p className="hint">
          The measured time of the search stage per training batch against the final test AUC, for TWIN and for DARE with a smaller attention table (press
          Attention-dim sweep). Timings are of this machine and this backend; compare points of one session.
        </p>
        {sweep.length === 0 ? (
          <p className="hint">No finished TWIN or DARE run yet.</p>
        ) : (
          <>
            <ChartFigure testId="seq-sweep" filename="attention-dim-sweep" render={drawSweep} />
            <DataExport filename="attention-dim-sweep" table={() => sweepTable(sweep)} json={() => sweep} />
          </>
        )}
      </section>
    </>
  );
}
