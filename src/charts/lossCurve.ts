import type { LossPoint } from '../workers/trainingProtocol.ts';
import { renderLineChart, type LineSeries } from './metricLines.ts';

export interface LossRun {
  label: string;
  losses: LossPoint[];
}

/** Training loss (BCE) per logged step, one line per run. */
export function lossSeries(runs: LossRun[]): LineSeries[] {
  return runs.map((r) => ({ label: runs.length === 1 ? 'train loss' : r.label, points: r.losses.map((p) => ({ x: p.step, y: p.loss })) }));
}

export function renderLossCurve(svg: SVGSVGElement, runs: LossRun[], width: number): void {
  renderLineChart(svg, lossSeries(runs), { width, title: 'Training loss (BCE)', xLabel: 'step', yLabel: 'loss' });
}
