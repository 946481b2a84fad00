import * as d3 from 'd3';
import { distinctLabels } from './chartLegend.ts';
import { GRID, INK, MUTED, SERIES_COLORS, TICK_SIZE, createSvg, styleAxis, textWidth } from './chartStyle.ts';
import { axisTitle, verticalAxisTitle } from './chartAxes.ts';
import { attachTooltip } from './chartTooltip.ts';

export interface LinePoint {
  x: number;
  y: number;
  /** Half-height of an error bar (e.g. the sd over seeds); none when 0 or absent. */
  spread?: number;
}

export interface LineSeries {
  label: string;
  points: LinePoint[];
  /** Defaults to the palette at colorIndex, or at the series' position. */
  color?: string;
  /** The palette entry: what keeps one model's colour the same across charts that show different subsets. */
  colorIndex?: number;
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
export function lineChartLayout(series: readonly LineSeries[], width: number, height = 240): LineChartLayout {
  const perRow = Math.max(1, Math.floor((width - 60) / LEGEND_ITEM));
  const legendRows = Math.ceil(series.length / perRow);
  const margin = { top: 36 + legendRows * 16, right: 20, bottom: 44, left: 56 };
  return { margin, height: height + legendRows * 16, legendRows };
}

export function lineChartDescription(series: readonly LineSeries[], opts: Pick<LineChartOptions, 'xLabel' | 'yLabel'>): string {
  const parts = series.map((s) => {
    const last = s.points[s.points.length - 1];
    return last
      ? `${s.label}: ${s.points.length} points, last ${opts.yLabel} ${d3.format('.4~g')(last.y)} at ${opts.xLabel} ${d3.format('~g')(last.x)}`
      : `${s.label}: no points yet`;
  });
  return parts.length > 0 ? parts.join('. ') + '.' : 'No data yet.';
}

export interface LineChartScales {
  x: d3.ScaleContinuousNumeric<number, number>;
  y: d3.ScaleLinear<number, number>;
  plot: { left: number; top: number; w: number; h: number };
  width: number;
  height: number;
}

/** The chart's size, plot box and scales: pure, shared by the drawing and its hover. */
export function lineChartScales(series: readonly LineSeries[], opts: LineChartOptions): LineChartScales {
  const { margin, height } = lineChartLayout(series, opts.width, opts.height);
  const width = opts.width;
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
  const y = d3
    .scaleLinear()
    .domain(yDomain)
    .range([margin.top + plotH, margin.top])
    .nice();
  return { x, y, plot: { left: margin.left, top: margin.top, w: plotW, h: plotH }, width, height };
}

const seriesColor = (s: LineSeries, i: number) => s.color ?? SERIES_COLORS[(s.colorIndex ?? i) % SERIES_COLORS.length];

/** Several series of (x, y) lines with a legend and optional reference lines (see addLineHover for the interaction). */
export function renderLineChart(series: readonly LineSeries[], opts: LineChartOptions): SVGSVGElement {
  const { x, y, plot, width, height } = lineChartScales(series, opts);
  const root = createSvg(width, height, opts.title, lineChartDescription(series, opts));
  const refs = opts.references ?? [];

  root
    .append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(y.ticks(5))
    .join('line')
    .attr('x1', plot.left)
    .attr('x2', plot.left + plot.w)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d))
    .attr('stroke', GRID);

  // '~f' lets d3 pick the decimals from the tick step ('~g' would print 50 as 5e+1).
  const xAxis = d3.axisBottom(x).ticks(Math.max(2, Math.floor(plot.w / 80)), opts.xFormat ? undefined : '~f');
  if (opts.xFormat) xAxis.tickFormat((d) => opts.xFormat!(Number(d)));
  styleAxis(
    root
      .append('g')
      .attr('transform', `translate(0,${plot.top + plot.h})`)
      .call(xAxis),
  );
  styleAxis(root.append('g').attr('transform', `translate(${plot.left},0)`).call(d3.axisLeft(y).ticks(5, '~f')));
  axisTitle(root, opts.xLabel, plot.left + plot.w / 2, height - 8, INK);
  verticalAxisTitle(root, opts.yLabel, 14, plot.top + plot.h / 2, INK);

  for (const r of refs) {
    root
      .append('line')
      .attr('class', 'reference-line')
      .attr('x1', plot.left)
      .attr('x2', plot.left + plot.w)
      .attr('y1', y(r.y))
      .attr('y2', y(r.y))
      .attr('stroke', MUTED)
      .attr('stroke-dasharray', '6 4')
      .attr('stroke-width', 1.2);
    root
      .append('text')
      .attr('x', plot.left + plot.w - 4)
      .attr('y', y(r.y) - 4)
      .attr('text-anchor', 'end')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(r.label);
  }

  const line = d3
    .line<LinePoint>()
    .defined((p) => Number.isFinite(p.y))
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  series.forEach((s, i) => {
    const g = root.append('g').attr('class', 'series').attr('data-label', s.label).attr('data-index', i);
    g.append('path')
      .attr('d', line(s.points) ?? '')
      .attr('fill', 'none')
      .attr('stroke', seriesColor(s, i))
      .attr('stroke-width', 1.8)
      .attr('stroke-dasharray', s.dashed ? '5 3' : null);
    // Error bars with caps, nudged apart per series so bars at a shared x stay visible.
    const nudge = (i - (series.length - 1) / 2) * 5;
    const bars = s.points.filter((p) => Number.isFinite(p.y) && (p.spread ?? 0) > 0);
    g.selectAll('path.error-bar')
      .data(bars)
      .join('path')
      .attr('class', 'error-bar')
      .attr('data-low', (p) => p.y - p.spread!)
      .attr('data-high', (p) => p.y + p.spread!)
      .attr('d', (p) => {
        const cx = x(p.x) + nudge;
        const [lo, hi] = [y(p.y - p.spread!), y(p.y + p.spread!)];
        return `M${cx - 3},${lo}H${cx + 3}M${cx},${lo}V${hi}M${cx - 3},${hi}H${cx + 3}`;
      })
      .attr('fill', 'none')
      .attr('stroke', seriesColor(s, i))
      .attr('stroke-width', 1.4)
      .attr('opacity', 0.85);
    if (opts.dots || s.points.length === 1) {
      g.selectAll('circle')
        .data(s.points.filter((p) => Number.isFinite(p.y)))
        .join('circle')
        .attr('cx', (p) => x(p.x))
        .attr('cy', (p) => y(p.y))
        .attr('r', 3)
        .attr('fill', seriesColor(s, i))
        .append('title')
        .text(
          (p) =>
            `${s.label}: ${opts.yLabel} ${d3.format('.4~g')(p.y)}${p.spread ? ` ± ${d3.format('.2~g')(p.spread)}` : ''} at ${opts.xLabel} ${d3.format('~g')(p.x)}`,
        );
    }
  });

  const perRow = Math.max(1, Math.floor((width - 60) / LEGEND_ITEM));
  const labels = distinctLabels(
    series.map((s) => s.label),
    Math.floor((LEGEND_ITEM - 26) / (TICK_SIZE * 0.58)),
  );
  const legend = root.append('g').attr('class', 'legend');
  series.forEach((s, i) => {
    const g = legend
      .append('g')
      .attr('class', 'legend-item')
      .attr('data-index', i)
      .attr('transform', `translate(${12 + (i % perRow) * LEGEND_ITEM},${34 + Math.floor(i / perRow) * 16})`);
    g.append('line')
      .attr('x1', 0)
      .attr('x2', 16)
      .attr('y1', -4)
      .attr('y2', -4)
      .attr('stroke', seriesColor(s, i))
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', s.dashed ? '5 3' : null);
    g.append('text').attr('x', 20).attr('font-size', TICK_SIZE).attr('fill', INK).text(labels[i]).append('title').text(s.label);
  });
  return root.node()!;
}

/** Above this many series the tooltip names only the line under the pointer, not every line. */
const LIST_ALL_BELOW = 7;

/** Puts one series in front at full strength and dims the others; null restores them all. */
export function emphasiseSeries(svg: SVGSVGElement, index: number | null): void {
  // In front of the other lines but under the hover target, so the pointer stays on the target.
  const target = svg.querySelector('rect.hover-target');
  svg.querySelectorAll<SVGGElement>('g.series').forEach((g) => {
    const on = index === null || Number(g.dataset.index) === index;
    g.setAttribute('opacity', on ? '1' : '0.18');
    g.querySelector('path')?.setAttribute('stroke-width', index !== null && on ? '3' : '1.8');
    if (index !== null && on) g.parentNode?.insertBefore(g, target?.parentNode === g.parentNode ? target : null);
  });
  svg
    .querySelectorAll<SVGGElement>('g.legend-item')
    .forEach((g) => g.setAttribute('opacity', index === null || Number(g.dataset.index) === index ? '1' : '0.35'));
}

/**
 * Hover on a chart drawn by renderLineChart (same series and options): a guide at the nearest x,
 * the line nearest the pointer emphasised and the others dimmed, and a tooltip with the values
 * (only the nearest line's when there are many). Hovering a legend entry emphasises its line.
 */
export function addLineHover(svg: SVGSVGElement, series: readonly LineSeries[], opts: LineChartOptions): SVGSVGElement {
  const { x, y, plot } = lineChartScales(series, opts);
  const root = d3.select(svg);
  const guide = root
    .append('line')
    .attr('class', 'chart-tooltip')
    .attr('y1', plot.top)
    .attr('y2', plot.top + plot.h)
    .attr('stroke', MUTED)
    .attr('visibility', 'hidden')
    .attr('pointer-events', 'none');
  const tip = attachTooltip(svg);
  const valueText = (s: LineSeries, p: LinePoint) => `${s.label}: ${d3.format('.4~g')(p.y)}${p.spread ? ` ± ${d3.format('.2~g')(p.spread)}` : ''}`;
  // The marks may be moved into another svg when mounted: emphasis works on the svg they are in now.
  const mountedSvg = (el: SVGElement | null) => el?.ownerSVGElement ?? svg;
  const hide = () => {
    guide.attr('visibility', 'hidden');
    tip.hide();
    emphasiseSeries(mountedSvg(guide.node()), null);
  };
  root
    .append('rect')
    .attr('class', 'hover-target')
    .attr('x', plot.left)
    .attr('y', plot.top)
    .attr('width', plot.w)
    .attr('height', plot.h)
    .attr('fill', 'transparent')
    .on('mousemove', (event: MouseEvent) => {
      const [mx, my] = d3.pointer(event);
      const at = x.invert(mx);
      const nearest = series.flatMap((s, i) => {
        const finite = s.points.filter((p) => Number.isFinite(p.y));
        if (finite.length === 0) return [];
        const p = finite.reduce((a, b) => (Math.abs(b.x - at) < Math.abs(a.x - at) ? b : a));
        return [{ s, i, p }];
      });
      if (nearest.length === 0) return hide();
      const under = nearest.reduce((a, b) => (Math.abs(y(b.p.y) - my) < Math.abs(y(a.p.y) - my) ? b : a));
      const shown = series.length < LIST_ALL_BELOW ? nearest : [under];
      const lines = [`${opts.xLabel} ${d3.format('~g')(under.p.x)}`, ...shown.map((n) => valueText(n.s, n.p))];
      const gx = x(under.p.x);
      guide.attr('x1', gx).attr('x2', gx).attr('visibility', 'visible');
      emphasiseSeries(mountedSvg(guide.node()), series.length > 1 ? under.i : null);
      const boxW = Math.max(...lines.map((l) => textWidth(l, TICK_SIZE + 1))) + 16;
      tip.show(lines, gx + boxW + 12 > plot.left + plot.w ? gx - boxW - 8 : gx + 8, plot.top + 4);
    })
    .on('mouseleave', hide);
  svg.querySelectorAll<SVGGElement>('g.legend-item').forEach((g) => {
    g.addEventListener('mouseenter', () => emphasiseSeries(mountedSvg(g), Number(g.dataset.index)));
    g.addEventListener('mouseleave', () => emphasiseSeries(mountedSvg(g), null));
  });
  guide.raise();
  return svg;
}

/** A line chart with its hover. */
export function interactiveLineChart(series: readonly LineSeries[], opts: LineChartOptions): SVGSVGElement {
  return addLineHover(renderLineChart(series, opts), series, opts);
}
