import * as d3 from 'd3';
import { GRID, INK, LABEL_SIZE, MUTED, SERIES_COLORS, TICK_SIZE, prepareSvg, styleAxis, textWidth, truncate } from './chartStyle.ts';

export interface LinePoint {
  x: number;
  y: number;
  /** Half-height of an error bar (e.g. the sd over seeds); none when 0 or absent. */
  spread?: number;
}

export interface LineSeries {
  label: string;
  points: LinePoint[];
  /** Defaults to the palette by position. */
  color?: string;
  dashed?: boolean;
}

export interface ReferenceLine {
  y: number;
  label: string;
}

export interface LineChartOptions {
  width: number;
  height?: number;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Horizontal reference lines (e.g. the Bayes AUC). */
  references?: ReferenceLine[];
  xScale?: 'linear' | 'log';
  /** Fixed y domain; default the data's (and references') extent, padded. */
  yDomain?: [number, number];
  /** Dots on every point (sparse series such as the scaling chart). */
  dots?: boolean;
  xFormat?: (x: number) => string;
}

export interface LineChartLayout {
  margin: { top: number; right: number; bottom: number; left: number };
  height: number;
  legendRows: number;
}

const LEGEND_ITEM = 150;

/** Pure layout: the legend wraps onto rows under the title so it never overlaps the plot. */
export function lineChartLayout(series: LineSeries[], width: number, height = 240): LineChartLayout {
  const perRow = Math.max(1, Math.floor((width - 60) / LEGEND_ITEM));
  const legendRows = Math.ceil(series.length / perRow);
  const margin = { top: 36 + legendRows * 16, right: 20, bottom: 44, left: 56 };
  return { margin, height: height + legendRows * 16, legendRows };
}

export function lineChartDescription(series: LineSeries[], opts: Pick<LineChartOptions, 'xLabel' | 'yLabel'>): string {
  const parts = series.map((s) => {
    const last = s.points[s.points.length - 1];
    return last ? `${s.label}: ${s.points.length} points, last ${opts.yLabel} ${d3.format('.4~g')(last.y)} at ${opts.xLabel} ${d3.format('~g')(last.x)}` : `${s.label}: no points yet`;
  });
  return parts.length > 0 ? parts.join('. ') + '.' : 'No data yet.';
}

/** Several series of (x, y) lines with a legend, optional reference lines, and hover values. */
export function renderLineChart(svg: SVGSVGElement, series: LineSeries[], opts: LineChartOptions): void {
  const { margin, height } = lineChartLayout(series, opts.width, opts.height);
  const width = opts.width;
  const root = prepareSvg(svg, width, height, opts.title, lineChartDescription(series, opts));
  const plotW = Math.max(40, width - margin.left - margin.right);
  const plotH = Math.max(40, height - margin.top - margin.bottom);
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x));
  const refs = opts.references ?? [];

  const xs = all.map((p) => p.x);
  const log = opts.xScale === 'log';
  const xExtent: [number, number] = xs.length > 0 ? [d3.min(xs)!, d3.max(xs)!] : [0, 1];
  if (xExtent[0] === xExtent[1]) xExtent[1] = xExtent[0] + (log ? xExtent[0] : 1);
  const x = (log ? d3.scaleLog().domain([Math.max(1e-9, xExtent[0]), xExtent[1]]) : d3.scaleLinear().domain(xExtent)).range([margin.left, margin.left + plotW]);
  if (!log) (x as d3.ScaleLinear<number, number>).nice();

  let yDomain = opts.yDomain;
  if (!yDomain) {
    const ys = [...all.flatMap((p) => [p.y - (p.spread ?? 0), p.y + (p.spread ?? 0)]), ...refs.map((r) => r.y)];
    const lo = ys.length > 0 ? d3.min(ys)! : 0;
    const hi = ys.length > 0 ? d3.max(ys)! : 1;
    const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 0.5;
    yDomain = [lo - pad, hi + pad];
  }
  const y = d3.scaleLinear().domain(yDomain).range([margin.top + plotH, margin.top]).nice();

  root.append('g').attr('class', 'grid').selectAll('line').data(y.ticks(5)).join('line')
    .attr('x1', margin.left).attr('x2', margin.left + plotW).attr('y1', (d) => y(d)).attr('y2', (d) => y(d)).attr('stroke', GRID);

  // '~f' lets d3 pick the decimals from the tick step ('~g' would print 50 as 5e+1).
  const xAxis = d3.axisBottom(x).ticks(Math.max(2, Math.floor(plotW / 80)), opts.xFormat ? undefined : '~f');
  if (opts.xFormat) xAxis.tickFormat((d) => opts.xFormat!(Number(d)));
  styleAxis(root.append('g').attr('transform', `translate(0,${margin.top + plotH})`).call(xAxis));
  styleAxis(root.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(5, '~f')));
  root.append('text').attr('x', margin.left + plotW / 2).attr('y', height - 8).attr('text-anchor', 'middle').attr('font-size', LABEL_SIZE).attr('fill', INK).text(opts.xLabel);
  root.append('text').attr('transform', `translate(14,${margin.top + plotH / 2}) rotate(-90)`).attr('text-anchor', 'middle').attr('font-size', LABEL_SIZE).attr('fill', INK).text(opts.yLabel);

  for (const r of refs) {
    root.append('line').attr('class', 'reference-line').attr('x1', margin.left).attr('x2', margin.left + plotW).attr('y1', y(r.y)).attr('y2', y(r.y))
      .attr('stroke', MUTED).attr('stroke-dasharray', '6 4').attr('stroke-width', 1.2);
    root.append('text').attr('x', margin.left + plotW - 4).attr('y', y(r.y) - 4).attr('text-anchor', 'end').attr('font-size', TICK_SIZE).attr('fill', MUTED).text(r.label);
  }

  const color = (s: LineSeries, i: number) => s.color ?? SERIES_COLORS[i % SERIES_COLORS.length];
  const line = d3.line<LinePoint>().defined((p) => Number.isFinite(p.y)).x((p) => x(p.x)).y((p) => y(p.y));
  series.forEach((s, i) => {
    const g = root.append('g').attr('class', 'series').attr('data-label', s.label);
    g.append('path').attr('d', line(s.points) ?? '').attr('fill', 'none').attr('stroke', color(s, i)).attr('stroke-width', 1.8).attr('stroke-dasharray', s.dashed ? '5 3' : null);
    // Error bars with caps, nudged apart per series so bars at a shared x stay visible.
    const nudge = (i - (series.length - 1) / 2) * 5;
    const bars = s.points.filter((p) => Number.isFinite(p.y) && (p.spread ?? 0) > 0);
    g.selectAll('path.error-bar').data(bars).join('path').attr('class', 'error-bar')
      .attr('data-low', (p) => p.y - p.spread!).attr('data-high', (p) => p.y + p.spread!)
      .attr('d', (p) => {
        const cx = x(p.x) + nudge;
        const [lo, hi] = [y(p.y - p.spread!), y(p.y + p.spread!)];
        return `M${cx - 3},${lo}H${cx + 3}M${cx},${lo}V${hi}M${cx - 3},${hi}H${cx + 3}`;
      })
      .attr('fill', 'none').attr('stroke', color(s, i)).attr('stroke-width', 1.4).attr('opacity', 0.85);
    if (opts.dots || s.points.length === 1) {
      g.selectAll('circle').data(s.points.filter((p) => Number.isFinite(p.y))).join('circle').attr('cx', (p) => x(p.x)).attr('cy', (p) => y(p.y)).attr('r', 3).attr('fill', color(s, i))
        .append('title').text((p) => `${s.label}: ${opts.yLabel} ${d3.format('.4~g')(p.y)}${p.spread ? ` ± ${d3.format('.2~g')(p.spread)}` : ''} at ${opts.xLabel} ${d3.format('~g')(p.x)}`);
    }
  });

  const perRow = Math.max(1, Math.floor((width - 60) / LEGEND_ITEM));
  const legend = root.append('g').attr('class', 'legend');
  series.forEach((s, i) => {
    const g = legend.append('g').attr('transform', `translate(${12 + (i % perRow) * LEGEND_ITEM},${34 + Math.floor(i / perRow) * 16})`);
    g.append('line').attr('x1', 0).attr('x2', 16).attr('y1', -4).attr('y2', -4).attr('stroke', color(s, i)).attr('stroke-width', 2).attr('stroke-dasharray', s.dashed ? '5 3' : null);
    g.append('text').attr('x', 20).attr('font-size', TICK_SIZE).attr('fill', INK).text(truncate(s.label, Math.floor((LEGEND_ITEM - 26) / (TICK_SIZE * 0.58))));
  });

  drawHover(root, series, x, { left: margin.left, top: margin.top, w: plotW, h: plotH }, opts, color);
}

function drawHover(
  root: d3.Selection<SVGSVGElement, unknown, null, undefined>,
  series: LineSeries[],
  x: d3.ScaleContinuousNumeric<number, number>,
  plot: { left: number; top: number; w: number; h: number },
  opts: LineChartOptions,
  color: (s: LineSeries, i: number) => string,
) {
  const guide = root.append('line').attr('class', 'chart-tooltip').attr('y1', plot.top).attr('y2', plot.top + plot.h).attr('stroke', MUTED).attr('visibility', 'hidden').attr('pointer-events', 'none');
  const tip = root.append('g').attr('class', 'chart-tooltip').attr('visibility', 'hidden').attr('pointer-events', 'none');
  const box = tip.append('rect').attr('rx', 4).attr('fill', '#ffffff').attr('stroke', INK).attr('stroke-opacity', 0.3);
  const text = tip.append('text').attr('font-size', TICK_SIZE + 1).attr('fill', INK);
  root.append('rect').attr('class', 'hover-target').attr('x', plot.left).attr('y', plot.top).attr('width', plot.w).attr('height', plot.h).attr('fill', 'transparent')
    .on('mousemove', (event: MouseEvent) => {
      const [mx] = d3.pointer(event);
      const at = x.invert(mx);
      const rows = series.flatMap((s, i) => {
        if (s.points.length === 0) return [];
        const p = s.points.reduce((a, b) => (Math.abs(b.x - at) < Math.abs(a.x - at) ? b : a));
        return [{ label: `${s.label}: ${d3.format('.4~g')(p.y)}${p.spread ? ` ± ${d3.format('.2~g')(p.spread)}` : ''}`, color: color(s, i), x: p.x }];
      });
      if (rows.length === 0) return;
      const lines = [`${opts.xLabel} ${d3.format('~g')(rows[0].x)}`, ...rows.map((r) => r.label)];
      text.selectAll('tspan').data(lines).join('tspan').attr('x', 8).attr('dy', (_, k) => (k === 0 ? '1.2em' : '1.35em')).attr('font-weight', (_, k) => (k === 0 ? 600 : 400)).text((l) => l);
      const boxW = Math.max(...lines.map((l) => textWidth(l, TICK_SIZE + 1))) + 16;
      box.attr('width', boxW).attr('height', lines.length * 17 + 10);
      const gx = x(rows[0].x);
      guide.attr('x1', gx).attr('x2', gx).attr('visibility', 'visible');
      const tx = gx + boxW + 12 > plot.left + plot.w ? gx - boxW - 8 : gx + 8;
      tip.attr('transform', `translate(${tx},${plot.top + 4})`).attr('visibility', 'visible').raise();
    })
    .on('mouseleave', () => {
      guide.attr('visibility', 'hidden');
      tip.attr('visibility', 'hidden');
    });
}

/** Long-format CSV (series, x, y) of the chart's data. */
export function seriesCsv(series: LineSeries[], xName: string, yName: string, spreadName?: string): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = series.flatMap((s) => s.points.map((p) => `${quote(s.label)},${p.x},${p.y}${spreadName ? `,${p.spread ?? 0}` : ''}`));
  return [`series,${quote(xName)},${quote(yName)}${spreadName ? `,${quote(spreadName)}` : ''}`, ...rows].join('\n') + '\n';
}
