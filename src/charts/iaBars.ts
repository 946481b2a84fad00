import * as d3 from 'd3';
import { INK, LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fmt, inkOn, textWidth } from './chartStyle.ts';
import { COLLAPSED_BELOW, fieldStatus, iaRatio, sortFields, type FieldOrder, type FieldSpectrum, type FieldStatus } from '../analysis/collapseVerdict.ts';
import { axisTitle, rowLabels, styleGridAxis } from './chartAxes.ts';
import { fittedLabels } from './spectrumHeatmap.ts';

export interface IABarsOptions {
  width: number;
  order: FieldOrder;
  title?: string;
}

export const BAR_COLORS: Record<FieldStatus, string> = { collapsed: '#d1495b', healthy: '#4e79a7', small: '#a8b3bf', zero: '#a8b3bf' };
const LEGEND_WIDTH = 290;
const LEGEND: { status: FieldStatus; text: string }[] = [
  { status: 'collapsed', text: `IA/K < ${COLLAPSED_BELOW}` },
  { status: 'healthy', text: `IA/K ≥ ${COLLAPSED_BELOW}` },
  { status: 'small', text: 'rows < K' },
];

export function iaBarsDescription(fields: readonly FieldSpectrum[]): string {
  const collapsed = fields.filter((f) => fieldStatus(f) === 'collapsed');
  const list = fields.map((f) => `${f.name} ${fmt.ia(f.information_abundance)} of ${f.dim}`).join('; ');
  return `Information abundance per field: ${list}. ${collapsed.length} of ${fields.length} below IA/K ${COLLAPSED_BELOW}.`;
}

/** Horizontal IA bars on a 0..K axis, a dashed reference line at K, each bar labelled "IA (IA/K)". */
export function renderIABars(fields: readonly FieldSpectrum[], opts: IABarsOptions): SVGSVGElement {
  const sorted = sortFields(fields, opts.order);
  const n = Math.max(1, sorted.length);
  const rowHeight = n <= 8 ? 24 : n <= 20 ? 19 : 16;
  const labels = fittedLabels(sorted, opts.width);
  const title = opts.title ?? 'Information abundance per field';
  // The legend sits beside the title when there is room, else on its own line below it.
  const legendX = opts.width - LEGEND_WIDTH - 130; // clear of the download buttons
  const legendBeside = legendX > textWidth(title, 14) + 24;
  const margin = {
    top: legendBeside ? 44 : 64,
    right: 40,
    bottom: 48,
    left: Math.ceil(Math.max(60, ...labels.map((l) => textWidth(l, LABEL_SIZE))) + 16),
  };
  const width = opts.width;
  const height = margin.top + n * rowHeight + margin.bottom;
  const root = createSvg(width, height, title, iaBarsDescription(fields));
  const plotW = Math.max(40, width - margin.left - margin.right);
  const K = Math.max(1, ...sorted.map((f) => f.dim));

  const x = d3
    .scaleLinear()
    .domain([0, K])
    .range([margin.left, margin.left + plotW]);
  const y = d3
    .scaleBand<string>()
    .domain(sorted.map((f) => f.name))
    .range([margin.top, margin.top + n * rowHeight])
    .padding(0.22);

  const grid = root
    .append('g')
    .attr('transform', `translate(0,${margin.top + n * rowHeight})`)
    .call(
      d3
        .axisBottom(x)
        .ticks(Math.min(8, Math.floor(plotW / 60)))
        .tickSize(-n * rowHeight)
        .tickSizeOuter(0),
    );
  styleGridAxis(grid);

  const rows = root
    .append('g')
    .selectAll('g')
    .data(sorted)
    .join('g')
    .attr('transform', (f) => `translate(0,${y(f.name)})`);
  rows
    .append('rect')
    .attr('class', 'ia-bar')
    .attr('x', x(0))
    .attr('height', y.bandwidth())
    .attr('width', (f) => Math.max(1, x(f.information_abundance) - x(0)))
    .attr('rx', 2)
    .attr('fill', (f) => BAR_COLORS[fieldStatus(f)])
    .append('title')
    .text((f) => `${f.name}: IA ${fmt.exact(f.information_abundance)}, IA/K ${fmt.exact(iaRatio(f))}, effective rank ${fmt.ia(f.effective_rank)}`);
  rowLabels(rows, labels, margin.left - 8, y.bandwidth());
  // Values sit inside long bars (in the ink that contrasts with the bar) and after short ones, so they never cross the K line.
  const valueText = (f: FieldSpectrum) =>
    fieldStatus(f) === 'zero' ? 'no spectrum: every row zero' : `${fmt.ia(f.information_abundance)} (${fmt.ratio(iaRatio(f))})`;
  const inside = (f: FieldSpectrum) => x(f.information_abundance) - x(0) > textWidth(valueText(f), TICK_SIZE) + 12;
  rows
    .append('text')
    .attr('class', (f) => (inside(f) ? 'bar-value on-mark' : 'bar-value'))
    .attr('x', (f) => (inside(f) ? x(f.information_abundance) - 6 : x(f.information_abundance) + 6))
    .attr('text-anchor', (f) => (inside(f) ? 'end' : 'start'))
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('font-size', TICK_SIZE)
    .attr('font-variant-numeric', 'tabular-nums')
    .attr('fill', (f) => (inside(f) ? inkOn(BAR_COLORS[fieldStatus(f)]) : INK))
    .text(valueText);

  // Reference line at K: a perfectly spread table reaches it.
  root
    .append('line')
    .attr('x1', x(K))
    .attr('x2', x(K))
    .attr('y1', margin.top - 6)
    .attr('y2', margin.top + n * rowHeight)
    .attr('stroke', MUTED)
    .attr('stroke-dasharray', '4 3');
  root
    .append('text')
    .attr('x', x(K))
    .attr('y', margin.top - 10)
    .attr('text-anchor', 'middle')
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text(`K = ${K}`);

  axisTitle(root, 'IA = Σ s_i / s_1   (label: IA and IA/K)', margin.left + plotW / 2, height - 10);

  const legend = root
    .append('g')
    .attr('transform', legendBeside ? `translate(${legendX},13)` : 'translate(12,32)')
    .attr('font-size', TICK_SIZE);
  LEGEND.forEach((d, i) => {
    const g = legend.append('g').attr('transform', `translate(${i * 92},0)`);
    g.append('rect').attr('width', 11).attr('height', 11).attr('rx', 2).attr('fill', BAR_COLORS[d.status]);
    g.append('text').attr('x', 16).attr('y', 9.5).attr('fill', MUTED).text(d.text);
  });
  return root.node()!;
}
