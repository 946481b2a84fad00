import { interactiveLineChart, type LineSeries } from './metricLines.ts';

export interface LossRun {
  label: string;
  losses: readonly { step: number; loss: number }[];
}

/** Training loss (BCE) per logged step, one line per run. */
export function lossSeries(runs: readonly LossRun[]): LineSeries[] {
  return runs.map((r) => ({ label: runs.length === 1 ? 'train loss' : r.label, points: r.losses.map((p) => ({ x: p.step, y: p.loss })) }));
}

export function renderLossCurve(runs: readonly LossRun[], width: number): SVGSVGElement {
  return interactiveLineChart(lossSeries(runs), { width, title: 'Training loss (BCE)', xLabel: 'step', yLabel: 'loss' });
}
