import * as d3 from 'd3';
import { axisTitle, styleGridAxis, verticalAxisTitle } from './chartAxes.ts';
import { distinctLabels } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fmt, styleAxis, textWidth } from './chartStyle.ts';
import { decadeLabel } from '../contracts/numberFormat.ts';

export interface CurveSeries {
  key: string;
  label: string;
  /** Normalised spectrum s_i / s_1 (zeros are padding and are not drawn on the log axis). */
  values: readonly number[];
  color: string;
  dash?: string;
}

export interface CurvesOptions {
  width: number;
  title?: string;
}

const PLOT_HEIGHT = 260;
const LEGEND_ROW = 18;

/** Smallest decade that holds every positive value, so the log axis never starts at 0. */
export function logFloor(series: readonly CurveSeries[]): number {
  const positives = series.flatMap((s) => s.values.filter((v) => v > 0));
  if (positives.length === 0) return 1e-3;
  return 10 ** Math.floor(Math.log10(Math.max(1e-12, Math.min(...positives))));
}

export function legendColumns(width: number, labels: string[]): { cols: number; colWidth: number } {
  const colWidth = Math.min(320, Math.max(140, ...labels.map((l) => textWidth(l, TICK_SIZE) + 36)));
  return { cols: Math.max(1, Math.floor((width - 24) / colWidth)), colWidth };
}

/** Log-y normalised spectra of chosen fields, several tables overlaid, with a legend below the plot. */
export function renderSpectrumCurves(series: readonly CurveSeries[], opts: CurvesOptions): SVGSVGElement {
  const labels = distinctLabels(
    series.map((s) => s.label),
    48,
  );
  const { cols, colWidth } = legendColumns(opts.width, labels);
  const legendRows = Math.ceil(series.length / cols);
  const margin = { top: 40, right: 24, bottom: 56 + legendRows * LEGEND_ROW, left: 64 };
  const width = opts.width;
  const height = margin.top + PLOT_HEIGHT + margin.bottom;
  const description =
    series.length === 0
      ? 'No fields selected.'
      : `${series.length} spectra: ${series.map((s) => `${s.label} falls to ${fmt.exact(lastPositive(s.values))} at index ${s.values.filter((v) => v > 0).length}`).join('; ')}.`;
  const root = createSvg(width, height, opts.title ?? 'Normalised singular spectrum (log scale)', description);
  const plotW = Math.max(40, width - margin.left - margin.right);

  const K = Math.max(2, ...series.map((s) => s.values.length));
  const x = d3
    .scaleLinear()
    .domain([1, K])
    .range([margin.left, margin.left + plotW]);
  const y = d3
    .scaleLog()
    .domain([logFloor(series), 1])
    .range([margin.top + PLOT_HEIGHT, margin.top])
    .clamp(true);

  const xAxis = root
    .append('g')
    .attr('transform', `translate(0,${margin.top + PLOT_HEIGHT})`)
    .call(
      d3
        .axisBottom(x)
        .ticks(Math.min(K, Math.floor(plotW / 50)))
        .tickFormat(d3.format('d'))
        .tickSizeOuter(0),
    );
  styleAxis(xAxis);
  const yAxis = root.append('g').attr('transform', `translate(${margin.left},0)`).call(logAxis(y, plotW));
  styleGridAxis(yAxis);

  axisTitle(root, 'singular value index', margin.left + plotW / 2, margin.top + PLOT_HEIGHT + 36);
  verticalAxisTitle(root, 's_i / s_1 (log)', 16, margin.top + PLOT_HEIGHT / 2);

  if (series.length === 0) {
    root
      .append('text')
      .attr('x', margin.left + plotW / 2)
      .attr('y', margin.top + PLOT_HEIGHT / 2)
      .attr('text-anchor', 'middle')
      .attr('font-size', LABEL_SIZE)
      .attr('fill', MUTED)
      .text('Select fields below to draw their spectra.');
    return root.node()!;
  }

  const line = d3
    .line<[number, number]>()
    .x((d) => x(d[0]))
    .y((d) => y(d[1]));
  const lines = root.append('g').attr('class', 'curves');
  series.forEach((s) => {
    const pts = s.values.map((v, i) => [i + 1, v] as [number, number]).filter((d) => d[1] > 0);
    const g = lines.append('g').attr('class', 'curve');
    g.append('path')
      .attr('d', line(pts))
      .attr('fill', 'none')
      .attr('stroke', s.color)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', s.dash ?? null);
    g.selectAll('circle')
      .data(pts)
      .join('circle')
      .attr('cx', (d) => x(d[0]))
      .attr('cy', (d) => y(d[1]))
      .attr('r', pts.length > 64 ? 0 : 2.2)
      .attr('fill', s.color)
      .append('title')
      .text((d) => `${s.label}\nindex ${d[0]}: s_i/s_1 = ${fmt.exact(d[1])}`);
  });

  const legend = root
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(${margin.left - 40},${margin.top + PLOT_HEIGHT + 54})`)
    .attr('font-size', TICK_SIZE);
  series.forEach((s, i) => {
    const g = legend.append('g').attr('transform', `translate(${(i % cols) * colWidth},${Math.floor(i / cols) * LEGEND_ROW})`);
    g.append('line')
      .attr('x1', 0)
      .attr('x2', 24)
      .attr('y1', 0)
      .attr('y2', 0)
      .attr('stroke', s.color)
      .attr('stroke-width', 2.5)
      .attr('stroke-dasharray', s.dash ?? null);
    g.append('text').attr('x', 30).attr('dy', '0.35em').text(labels[i]).append('title').text(s.label);
  });
  return root.node()!;
}

/** Decade ticks as powers of ten over wide ranges; plain numbers when the range is under two decades. */
function logAxis(y: d3.ScaleLogarithmic<number, number>, plotW: number) {
  const decades = -Math.log10(y.domain()[0]);
  const axis = d3.axisLeft(y).tickSize(-plotW).tickSizeOuter(0);
  if (decades < 2) return axis.ticks(5, '~g');
  const step = Math.ceil(decades / 6);
  return axis.tickValues(d3.range(0, decades + 1, step).map((k) => 10 ** -k)).tickFormat((v) => decadeLabel(Number(v)));
}

function lastPositive(values: readonly number[]): number {
  const pos = values.filter((v) => v > 0);
  return pos.length ? pos[pos.length - 1] : 0;
}
