import { interactiveLineChart, type LineSeries } from './metricLines.ts';

/** One (variant, size) point of the scaling experiment, averaged over seeds. */
export interface ScalingPoint {
  variant: 'single' | 'multi';
  size: number;
  parameters: number;
  testAuc: number;
  testAucStd: number;
  meanIa: number;
  meanIaStd: number;
}

export type ScalingMetric = 'auc-vs-params' | 'ia-vs-size';

const VARIANT_LABEL = { single: 'single embedding', multi: 'multi-embedding' } as const;
const VARIANT_COLOR = { single: '#e15759', multi: '#4e79a7' } as const;

/** One line per variant: test AUC against parameter count, or mean IA against the size multiplier; the sd over seeds as error bars. */
export function scalingSeries(rows: readonly ScalingPoint[], metric: ScalingMetric): LineSeries[] {
  const variants = [...new Set(rows.map((r) => r.variant))];
  return variants.map((v) => ({
    label: VARIANT_LABEL[v],
    color: VARIANT_COLOR[v],
    points: rows
      .filter((r) => r.variant === v)
      .map((r) => (metric === 'auc-vs-params' ? { x: r.parameters, y: r.testAuc, spread: r.testAucStd } : { x: r.size, y: r.meanIa, spread: r.meanIaStd }))
      .sort((a, b) => a.x - b.x),
  }));
}

export function renderScalingChart(rows: readonly ScalingPoint[], metric: ScalingMetric, width: number, bayesAuc?: number): SVGSVGElement {
  const auc = metric === 'auc-vs-params';
  return interactiveLineChart(scalingSeries(rows, metric), {
    width,
    height: 260,
    dots: true,
    title: auc ? 'Test AUC vs parameters' : 'Mean IA vs embedding size',
    xLabel: auc ? 'parameters' : 'embedding size (x base dim; IA of all sets side by side)',
    yLabel: auc ? 'test AUC' : 'mean IA',
    xScale: auc ? 'log' : 'linear',
    xFormat: auc ? (x) => (x >= 1e6 ? `${+(x / 1e6).toFixed(1)}M` : x >= 1e3 ? `${+(x / 1e3).toFixed(0)}k` : String(x)) : (x) => `${x}x`,
    references: auc && bayesAuc !== undefined ? [{ y: bayesAuc, label: `Bayes AUC ${bayesAuc.toFixed(3)}` }] : [],
  });
}
