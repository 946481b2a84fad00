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
/**
 * Below this width the figure puts its download buttons above the chart instead of over its
 * top-right corner (a container query in app.css), so a phone-width title gets the full width.
 */
export const NARROW_CHART = 480;

/** Truncates text with an ellipsis to fit a width (estimated, see textWidth). */
export function fitText(text: string, fontSize: number, width: number): string {
  const max = Math.max(4, Math.floor(width / (fontSize * 0.58)));
  return truncate(text, max);
}

export type SvgRoot = d3.Selection<SVGSVGElement, unknown, null, undefined>;

/** A new detached svg with its size, font, background, title and accessible description. */
export function createSvg(width: number, height: number, title: string, description: string): SvgRoot {
  const root = d3.select(document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
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
    .text(fitText(title, TITLE_SIZE, width - (width < NARROW_CHART ? 24 : TITLE_RESERVE)));
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

/**
 * A d3 number format that never prints a negative zero: a value that rounds to zero at the
 * format's precision ("−0.00") is shown as 0.
 */
export function numberFormat(specifier: string): (v: number) => string {
  const format = d3.format(specifier);
  const zero = format(0);
  return (v) => {
    const text = format(v);
    return Number.isFinite(v) && text.replace(/^[−-]/, '').replace(/^\+/, '') === zero.replace(/^\+/, '') ? zero : text;
  };
}

export const fmt = {
  rows: d3.format(','),
  ia: numberFormat('.2f'),
  ratio: numberFormat('.2f'),
  exact: numberFormat('.4f'),
  value: numberFormat('.2f'),
  signed: numberFormat('+.2f'),
  precise: numberFormat('.3f'),
};

/** Relative luminance (WCAG) of a CSS colour. */
export function luminance(color: string): number {
  const c = d3.rgb(color);
  const channel = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

/** The label colour (white or ink) with the higher contrast on a fill. */
export function inkOn(fill: string): string {
  const l = luminance(fill);
  const contrastWhite = 1.05 / (l + 0.05);
  const contrastInk = (l + 0.05) / (luminance(INK) + 0.05);
  return contrastWhite >= contrastInk ? '#ffffff' : INK;
}
