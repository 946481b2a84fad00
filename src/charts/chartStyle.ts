import * as d3 from 'd3';

/** Visual constants shared by every chart; set as attributes so exported SVGs look the same standalone. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK = '#1f2328';
export const MUTED = '#57606a';
export const GRID = '#d8dee4';
export const TITLE_SIZE = 14;
export const LABEL_SIZE = 12;
export const TICK_SIZE = 11;

/** Qualitative palette for tables / curves (Tableau 10, readable on white). */
export const SERIES_COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

/** Fixed 0..1 scale for s_i / s_1: exactly white at 0, deep red at 1. */
export const spectrumColor = d3.piecewise(d3.interpolateLab, ['#ffffff', '#fdd0bc', '#fc8a6a', '#e32f27', '#a50f15', '#67000d']);

/** Room kept free right of the title for the on-screen download buttons. */
const TITLE_RESERVE = 130;

/** Truncates text with an ellipsis to fit a width (estimated, see textWidth). */
export function fitText(text: string, fontSize: number, width: number): string {
  const max = Math.max(4, Math.floor(width / (fontSize * 0.58)));
  return truncate(text, max);
}

/** Clears the svg and sets its size, font and accessible description. */
export function prepareSvg(svg: SVGSVGElement, width: number, height: number, title: string, description: string) {
  const root = d3.select(svg);
  root.selectAll('*').remove();
  root
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('role', 'img')
    .attr('aria-label', `${title}. ${description}`)
    .attr('font-family', FONT)
    .attr('fill', INK);
  root.append('title').text(title);
  root.append('desc').text(description);
  root.append('rect').attr('class', 'chart-background').attr('width', width).attr('height', height).attr('fill', '#ffffff');
  root
    .append('text')
    .attr('class', 'chart-title')
    .attr('x', 12)
    .attr('y', 22)
    .attr('font-size', TITLE_SIZE)
    .attr('font-weight', 600)
    .text(fitText(title, TITLE_SIZE, width - TITLE_RESERVE));
  return root;
}

/** Styles a d3 axis group: readable tick text, muted lines. */
export function styleAxis(g: d3.Selection<SVGGElement, unknown, null, undefined>) {
  g.attr('font-family', FONT).attr('font-size', TICK_SIZE);
  g.selectAll('text').attr('fill', MUTED);
  g.selectAll('line').attr('stroke', MUTED);
  g.select('.domain').attr('stroke', MUTED);
}

/** Approximate rendered width of a label (no DOM measuring, so layout is deterministic). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.58;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A field name that fits `max` characters, keeping its end: checkpoint paths such as
 * model_state_dict.item_embedding.weight differ at the end, so leading dotted segments give way
 * to '…' first; a name with no dots that fit is cut in the middle.
 */
export function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const parts = name.split('.');
  for (let i = 1; i < parts.length; i++) {
    const rest = `…${parts.slice(i).join('.')}`;
    if (rest.length <= max) return rest;
  }
  const head = Math.ceil((max - 1) / 3);
  return `${name.slice(0, head)}…${name.slice(name.length - (max - 1 - head))}`;
}

export const fmt = {
  rows: d3.format(','),
  ia: d3.format('.2f'),
  ratio: d3.format('.2f'),
  exact: d3.format('.4f'),
};
