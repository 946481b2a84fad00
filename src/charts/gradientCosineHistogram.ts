import * as d3 from 'd3';
import { axisTitle, verticalAxisTitle } from './chartAxes.ts';
import { divergingColor, swatchLegend } from './chartLegend.ts';
import { GRID, INK, MUTED, TICK_SIZE, createSvg, fmt, styleAxis } from './chartStyle.ts';

export interface CosineHistogramData {
  /** Bin edges on [-1, 1] (bins + 1 values). */
  edges: readonly number[];
  counts: readonly number[];
  /** Share of cosines below 0. */
  conflictingShare: number;
}

const CONFLICT = divergingColor(-0.7);
const AGREE = divergingColor(0.7);

/**
 * The distribution of cos(g_attn, g_repr) over the category rows a coupled model's steps touched
 * (SCIENCE.md section 4): bars below 0 are rows where attention and representation pulled the one
 * embedding apart.
 */
export function renderGradientCosineHistogram(model: string, h: CosineHistogramData, width: number): SVGSVGElement {
  const height = 260;
  const margin = { top: 58, right: 16, bottom: 44, left: 52 };
  const total = h.counts.reduce((a, b) => a + b, 0);
  const share = Number.isFinite(h.conflictingShare) ? `${(100 * h.conflictingShare).toFixed(1)} %` : '–';
  const root = createSvg(
    width,
    height,
    `${model}: cos(g_attn, g_repr)`,
    total > 0 ? `${total} category rows observed; ${share} have cos(g_attn, g_repr) below 0 (conflicting).` : 'No gradients observed yet.',
  );
  swatchLegend(root, 12, 34, [
    { label: `conflicting (cos < 0): ${share}`, color: CONFLICT },
    { label: 'agreeing', color: AGREE },
  ]);
  const x = d3
    .scaleLinear()
    .domain([-1, 1])
    .range([margin.left, width - margin.right]);
  const shares = h.counts.map((c) => (total > 0 ? c / total : 0));
  const y = d3
    .scaleLinear()
    .domain([0, Math.max(0.05, ...shares)])
    .nice()
    .range([height - margin.bottom, margin.top]);
  root
    .append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(y.ticks(4))
    .join('line')
    .attr('x1', margin.left)
    .attr('x2', width - margin.right)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d))
    .attr('stroke', GRID);
  styleAxis(
    root
      .append('g')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.min(8, Math.floor((width - 80) / 60))))),
  );
  styleAxis(root.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(4, '.0%')));
  axisTitle(root, 'cos(g_attn, g_repr) per category row', margin.left + (width - margin.left - margin.right) / 2, height - 8, INK);
  verticalAxisTitle(root, 'share of rows', 14, margin.top + (height - margin.top - margin.bottom) / 2, INK);
  shares.forEach((s, b) => {
    const lo = h.edges[b];
    const hi = h.edges[b + 1];
    const mid = (lo + hi) / 2;
    root
      .append('rect')
      .attr('class', 'cosine-bin')
      .attr('data-from', lo)
      .attr('data-to', hi)
      .attr('data-count', h.counts[b])
      .attr('x', x(lo) + 0.5)
      .attr('y', y(s))
      .attr('width', Math.max(0.5, x(hi) - x(lo) - 1))
      .attr('height', y(0) - y(s))
      .attr('fill', mid < 0 ? CONFLICT : AGREE)
      .append('title')
      .text(`cos ${fmt.signed(lo)} to ${fmt.signed(hi)}: ${h.counts[b]} rows (${(100 * s).toFixed(1)} %)`);
  });
  root
    .append('line')
    .attr('x1', x(0))
    .attr('x2', x(0))
    .attr('y1', margin.top)
    .attr('y2', height - margin.bottom)
    .attr('stroke', MUTED)
    .attr('stroke-dasharray', '4 3');
  if (total === 0)
    root
      .append('text')
      .attr('x', (margin.left + width - margin.right) / 2)
      .attr('y', (margin.top + height - margin.bottom) / 2)
      .attr('text-anchor', 'middle')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text('no gradients observed yet');
  return root.node()!;
}
