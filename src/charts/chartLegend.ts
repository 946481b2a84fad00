import * as d3 from 'd3';
import { MUTED, TICK_SIZE, textWidth, truncate } from './chartStyle.ts';

type Group = d3.Selection<SVGGElement, unknown, null, undefined>;
type Root = d3.Selection<SVGSVGElement, unknown, null, undefined>;

/** Colour-blind-safe diverging scale on [-1, 1], white at 0 (blue positive, red negative). */
export const divergingColor = (v: number): string => (Number.isFinite(v) ? d3.interpolateRdBu((Math.max(-1, Math.min(1, v)) + 1) / 2) : '#d0d7de');

/** Text colour that stays readable on a cell of divergingColor(v). */
export const inkOn = (v: number): string => (Number.isFinite(v) && Math.abs(v) > 0.6 ? '#ffffff' : '#1f2328');

/** Coloured squares with labels in one row; returns the legend's width. */
export function swatchLegend(root: Root | Group, x: number, y: number, items: { label: string; color: string; hatched?: string }[]): number {
  const g = root.append('g').attr('class', 'legend').attr('transform', `translate(${x},${y})`).attr('font-size', TICK_SIZE);
  let offset = 0;
  for (const item of items) {
    const s = g.append('g').attr('transform', `translate(${offset},0)`);
    s.append('rect').attr('width', 11).attr('height', 11).attr('rx', 2).attr('fill', item.color);
    if (item.hatched) s.append('rect').attr('width', 11).attr('height', 11).attr('rx', 2).attr('fill', item.hatched);
    s.append('text').attr('x', 15).attr('y', 9.5).attr('fill', MUTED).text(item.label);
    offset += 15 + textWidth(item.label, TICK_SIZE) + 14;
  }
  return offset;
}

/**
 * A -1..1 colour bar with its caption to the right. `room` is the width from x to the chart's
 * edge: the bar shrinks (to 100 px) so the caption fits, and a caption that still does not is
 * cut with an ellipsis, whole in its tooltip.
 */
export function divergingLegend(root: Root | Group, x: number, y: number, maxWidth: number, caption: string, room = Infinity): void {
  const width = Math.max(100, Math.min(maxWidth, room - textWidth(caption, TICK_SIZE) - 12));
  const captionChars = Math.floor((room - width - 12) / (TICK_SIZE * 0.58));
  const id = `div-grad-${Math.random().toString(36).slice(2, 9)}`;
  const g = root.append('g').attr('class', 'diverging-legend').attr('transform', `translate(${x},${y})`);
  const grad = g.append('defs').append('linearGradient').attr('id', id);
  for (let i = 0; i <= 10; i++) grad.append('stop').attr('offset', `${i * 10}%`).attr('stop-color', divergingColor(-1 + i / 5));
  g.append('rect').attr('width', width).attr('height', 10).attr('fill', `url(#${id})`).attr('stroke', MUTED).attr('stroke-width', 0.5);
  const scale = d3.scaleLinear().domain([-1, 1]).range([0, width]);
  for (const t of [-1, -0.5, 0, 0.5, 1]) {
    g.append('line').attr('x1', scale(t)).attr('x2', scale(t)).attr('y1', 10).attr('y2', 14).attr('stroke', MUTED);
    g.append('text').attr('x', scale(t)).attr('y', 25).attr('text-anchor', 'middle').attr('font-size', TICK_SIZE).attr('fill', MUTED).text(t);
  }
  g.append('text').attr('x', width + 8).attr('y', 9).attr('font-size', TICK_SIZE).attr('fill', MUTED).text(truncate(caption, Math.max(4, captionChars))).append('title').text(caption);
}
