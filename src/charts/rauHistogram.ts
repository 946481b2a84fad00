import * as d3 from 'd3';
import { styleGridAxis } from './chartAxes.ts';
import { swatchLegend } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, SERIES_COLORS, createSvg, styleAxis } from './chartStyle.ts';

export interface RauHistogramPanel {
  /** Optimiser label. */
  label: string;
  /** Per task, counts of per-parameter rAU in equal bins on [0, 1]. */
  histogram: readonly (readonly number[])[];
}

/** Counts as shares of the parameters counted (each task's histogram counts every parameter once). */
export function histogramShares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * Per optimiser, the distribution of per-parameter rAU for each task over one layer (overlaid
 * translucent bars). A dominated layer piles one task near 1 and the others near 0.
 */
export function renderRauHistogram(layer: string, tasks: readonly string[], panels: readonly RauHistogramPanel[], width: number): SVGSVGElement {
  const height = 270;
  const margin = { top: 74, right: 16, bottom: 42, left: 48 };
  const root = createSvg(
    width,
    height,
    `Per-parameter rAU: ${layer}`,
    `Histogram of per-parameter rAU per task for layer ${layer}, ${panels.map((p) => p.label).join(' and ')}.`,
  );
  swatchLegend(
    root,
    12,
    34,
    tasks.map((t, k) => ({ label: t, color: SERIES_COLORS[k % SERIES_COLORS.length] })),
  );
  const gap = 28;
  const n = Math.max(1, panels.length);
  const panelW = (width - margin.left - margin.right - gap * (n - 1)) / n;
  const shares = panels.map((p) => p.histogram.map(histogramShares));
  const yMax = Math.max(0.05, ...shares.flat(2));
  const y = d3
    .scaleLinear()
    .domain([0, yMax])
    .nice()
    .range([height - margin.bottom, margin.top]);
  panels.forEach((panel, i) => {
    const left = margin.left + i * (panelW + gap);
    const bins = panel.histogram[0]?.length ?? 0;
    const x = d3
      .scaleLinear()
      .domain([0, 1])
      .range([left, left + panelW]);
    const ax = root
      .append('g')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(5));
    styleAxis(ax);
    const ay = root.append('g').attr('transform', `translate(${left},0)`).call(d3.axisLeft(y).ticks(4, '.0%').tickSize(-panelW));
    styleGridAxis(ay);
    if (i > 0) ay.selectAll('.tick text').remove();
    root
      .append('text')
      .attr('x', left + panelW / 2)
      .attr('y', margin.top - 10)
      .attr('text-anchor', 'middle')
      .attr('font-size', LABEL_SIZE)
      .attr('font-weight', 600)
      .text(panel.label);
    shares[i].forEach((s, k) => {
      const g = root.append('g').attr('class', 'rau-bins').attr('data-arm', panel.label).attr('data-task', tasks[k]);
      s.forEach((v, b) => {
        g.append('rect')
          .attr('x', x(b / bins) + 0.5)
          .attr('width', Math.max(0.5, x(1 / bins) - x(0) - 1))
          .attr('y', y(v))
          .attr('height', y(0) - y(v))
          .attr('fill', SERIES_COLORS[k % SERIES_COLORS.length])
          .attr('fill-opacity', 0.55)
          .append('title')
          .text(`${panel.label}, ${tasks[k]}: rAU ${d3.format('.2f')(b / bins)}–${d3.format('.2f')((b + 1) / bins)}: ${d3.format('.1%')(v)} of parameters`);
      });
    });
    root
      .append('text')
      .attr('x', left + panelW / 2)
      .attr('y', height - 8)
      .attr('text-anchor', 'middle')
      .attr('font-size', LABEL_SIZE)
      .attr('fill', MUTED)
      .text('rAU of the parameter');
  });
  return root.node()!;
}
