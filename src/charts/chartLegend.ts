import * as d3 from 'd3';
import { GRID, MUTED, TICK_SIZE, styleAxis, textWidth, truncate, type SvgRoot as Root } from './chartStyle.ts';

type Group = d3.Selection<SVGGElement, unknown, null, undefined>;

/** Colour-blind-safe diverging scale on [-1, 1], white at 0 (blue positive, red negative). */
export const divergingColor = (v: number): string => (Number.isFinite(v) ? d3.interpolateRdBu((Math.max(-1, Math.min(1, v)) + 1) / 2) : '#d0d7de');

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

export interface ColorBar {
  /** Start of the gradient's id; a random suffix keeps two charts on one page apart. */
  idPrefix: string;
  /** The bar's colour at t, 0 at its left end and 1 at its right. */
  colorAt: (t: number) => string;
  /** The values at the bar's ends, for the axis under it. */
  domain: [number, number];
  /** Sets the axis's ticks and their format. */
  ticks: (axis: d3.Axis<d3.NumberValue>) => d3.Axis<d3.NumberValue>;
  caption: string;
  /** Space between the bar's right end and its caption. */
  captionGap: number;
  captionSize: number;
}

/** A gradient bar w wide at (x, y) with a tick axis under it (no domain line) and a caption to its right. */
export function colorBarLegend(root: Root, x: number, y: number, w: number, bar: ColorBar): void {
  const id = `${bar.idPrefix}-${Math.random().toString(36).slice(2, 8)}`;
  const grad = root.append('defs').append('linearGradient').attr('id', id);
  d3.range(0, 1.0001, 0.1).forEach((t) =>
    grad
      .append('stop')
      .attr('offset', `${t * 100}%`)
      .attr('stop-color', bar.colorAt(t)),
  );
  const g = root.append('g').attr('class', 'legend').attr('transform', `translate(${x},${y})`);
  g.append('rect').attr('width', w).attr('height', 10).attr('fill', `url(#${id})`).attr('stroke', GRID);
  const scale = d3.scaleLinear().domain(bar.domain).range([0, w]);
  const axis = g
    .append('g')
    .attr('transform', 'translate(0,10)')
    .call(bar.ticks(d3.axisBottom(scale)).tickSize(4));
  styleAxis(axis);
  axis.select('.domain').remove();
  g.append('text')
    .attr('x', w + bar.captionGap)
    .attr('y', 9)
    .attr('font-size', bar.captionSize)
    .attr('fill', MUTED)
    .text(bar.caption);
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
  for (let i = 0; i <= 10; i++)
    grad
      .append('stop')
      .attr('offset', `${i * 10}%`)
      .attr('stop-color', divergingColor(-1 + i / 5));
  g.append('rect').attr('width', width).attr('height', 10).attr('fill', `url(#${id})`).attr('stroke', MUTED).attr('stroke-width', 0.5);
  const scale = d3.scaleLinear().domain([-1, 1]).range([0, width]);
  for (const t of [-1, -0.5, 0, 0.5, 1]) {
    g.append('line').attr('x1', scale(t)).attr('x2', scale(t)).attr('y1', 10).attr('y2', 14).attr('stroke', MUTED);
    g.append('text').attr('x', scale(t)).attr('y', 25).attr('text-anchor', 'middle').attr('font-size', TICK_SIZE).attr('fill', MUTED).text(t);
  }
  g.append('text')
    .attr('x', width + 8)
    .attr('y', 9)
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text(truncate(caption, Math.max(4, captionChars)))
    .append('title')
    .text(caption);
}

const SEPARATOR = /[\s\-_./·:,()[\]]/;

/** Cuts the middle out of a label longer than max, keeping its start and end. */
export function middleCut(label: string, max: number): string {
  if (label.length <= max) return label;
  const head = Math.ceil((max - 1) / 2);
  return `${label.slice(0, head)}…${label.slice(label.length - (max - 1 - head))}`;
}

/**
 * Legend labels that keep the part where the labels differ: when they do not fit max, the prefix
 * every label shares gives way to '…' (cut at a separator, as little as needed so words stay
 * whole), then the shared suffix, and a label still too long loses its middle, never its end.
 */
export function distinctLabels(labels: readonly string[], max: number): string[] {
  const fits = (cut: string[]) => cut.every((l) => l.length <= max);
  if (labels.length < 2 || fits([...labels])) return labels.map((l) => middleCut(l, max));
  const first = labels[0];
  const shortest = Math.min(...labels.map((l) => l.length));
  let prefix = 0;
  while (prefix < shortest && labels.every((l) => l[prefix] === first[prefix])) prefix++;
  let trimmed = [...labels];
  for (let p = 1; p <= prefix; p++) {
    if (!SEPARATOR.test(first[p - 1])) continue;
    trimmed = labels.map((l) => `…${l.slice(p)}`);
    if (fits(trimmed)) return trimmed;
  }
  const heads = trimmed;
  const rest = Math.min(...heads.map((l) => l.length));
  let suffix = 0;
  while (suffix < rest - 1 && heads.every((l) => l[l.length - 1 - suffix] === heads[0][heads[0].length - 1 - suffix])) suffix++;
  for (let q = 1; q <= suffix; q++) {
    if (!SEPARATOR.test(heads[0][heads[0].length - q])) continue;
    trimmed = heads.map((l) => `${l.slice(0, l.length - q)}…`);
    if (fits(trimmed)) return trimmed;
  }
  return trimmed.map((l) => middleCut(l, max));
}
