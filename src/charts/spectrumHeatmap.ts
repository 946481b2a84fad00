import * as d3 from 'd3';
import { GRID, INK, LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fmt, spectrumColor, styleAxis, shortenName, textWidth, type SvgRoot } from './chartStyle.ts';
import { axisTitle, rowLabels } from './chartAxes.ts';
import { colorBarLegend } from './chartLegend.ts';
import { attachTooltip } from './chartTooltip.ts';
import { fieldStatus, sortFields, type FieldSpectrum } from '../analysis/collapseVerdict.ts';

export interface HeatmapOptions {
  width: number;
  title?: string;
}

export interface HeatmapLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  rowHeight: number;
  /** Columns: singular value index 1..K (the largest dim among the fields). */
  columns: number;
  labels: string[];
}

const MAX_LABEL = 30;

export function rowLabel(f: FieldSpectrum, max = MAX_LABEL): string {
  return `${shortenName(f.name, max)} (${fmt.rows(f.rows)})`;
}

/** Row labels shortened until they take at most ~40% of the width (a phone-width card keeps room for its cells). */
export function fittedLabels(fields: readonly FieldSpectrum[], width: number): string[] {
  const room = Math.max(60, width * 0.4);
  for (let max = MAX_LABEL; ; max -= 2) {
    const labels = fields.map((f) => rowLabel(f, max));
    if (max <= 8 || Math.max(...labels.map((l) => textWidth(l, LABEL_SIZE))) <= room) return labels;
  }
}

/** Pure layout: rows grow the height so up to ~40 fields keep readable, non-overlapping labels. */
export function heatmapLayout(fields: readonly FieldSpectrum[], width: number): HeatmapLayout {
  const sorted = sortFields(fields, 'cardinality');
  const labels = fittedLabels(sorted, width);
  const n = Math.max(1, sorted.length);
  const rowHeight = n <= 8 ? 26 : n <= 20 ? 20 : 16;
  const left = Math.ceil(Math.max(60, ...labels.map((l) => textWidth(l, LABEL_SIZE))) + 16);
  // Fields of different K (an optimiser file's moments): each row says its own K, and needs the room.
  const margin = { top: 52, right: new Set(sorted.map((f) => f.dim)).size > 1 ? 110 : 78, bottom: 96, left };
  const columns = Math.max(1, ...sorted.map((f) => f.normalized_spectrum.length));
  return { width, height: margin.top + n * rowHeight + margin.bottom, margin, rowHeight, columns, labels };
}

export function heatmapDescription(fields: readonly FieldSpectrum[]): string {
  if (fields.length === 0) return 'No fields.';
  const byIA = sortFields(fields, 'ia');
  const lo = byIA[0];
  const hi = byIA[byIA.length - 1];
  return (
    `${fields.length} field${fields.length === 1 ? '' : 's'} sorted by row count. Colour is s_i/s_1 on a fixed 0 to 1 scale. ` +
    `Most collapsed: ${lo.name}, IA ${fmt.ia(lo.information_abundance)} of ${lo.dim}. Least collapsed: ${hi.name}, IA ${fmt.ia(hi.information_abundance)} of ${hi.dim}.`
  );
}

/** One row per field (cardinality ascending), one column per singular value, colour = s_i/s_1 on a fixed 0..1 scale. */
export function renderSpectrumHeatmap(fields: readonly FieldSpectrum[], opts: HeatmapOptions): SVGSVGElement {
  const layout = heatmapLayout(fields, opts.width);
  const { width, height, margin, rowHeight, columns } = layout;
  const mixedK = new Set(fields.map((f) => f.dim)).size > 1;
  const sorted = sortFields(fields, 'cardinality');
  const root = createSvg(width, height, opts.title ?? 'Singular spectrum per field (s_i / s_1)', heatmapDescription(fields));
  const plotW = Math.max(40, width - margin.left - margin.right);
  const plotH = sorted.length * rowHeight;

  const x = d3
    .scaleBand<number>()
    .domain(d3.range(1, columns + 1))
    .range([margin.left, margin.left + plotW])
    .paddingInner(0);
  const y = d3
    .scaleBand<string>()
    .domain(sorted.map((f) => f.name))
    .range([margin.top, margin.top + plotH])
    .paddingInner(0.08);

  const rows = root
    .append('g')
    .attr('class', 'heatmap-rows')
    .selectAll<SVGGElement, FieldSpectrum>('g')
    .data(sorted)
    .join('g')
    .attr('class', 'heatmap-row')
    .attr('data-row', (_, i) => i)
    .attr('data-y', (f) => y(f.name) ?? 0)
    .attr('transform', (f) => `translate(0,${y(f.name)})`);

  // Cells go in as one SVG string per row: a field x dim grid is hundreds of rects, and setting
  // their attributes one call at a time made the first live draw of a run a long task.
  const cellWidth = Math.max(1, x.bandwidth() + 0.5);
  const cellHeight = y.bandwidth();
  rows.each(function (f) {
    const cells = f.normalized_spectrum.map(
      (v, i) =>
        `<rect class="heatmap-cell" data-index="${i + 1}" x="${x(i + 1)}" width="${cellWidth}" height="${cellHeight}" fill="${spectrumColor(Math.min(1, Math.max(0, v)))}"></rect>`,
    );
    this.insertAdjacentHTML('afterbegin', cells.join(''));
  });

  rowLabels(rows, layout.labels, margin.left - 8, y.bandwidth())
    .append('title')
    .text((f) => `${f.name}: ${fmt.rows(f.rows)} rows`);

  rows
    .append('text')
    .attr('class', 'row-ia')
    .attr('x', margin.left + plotW + 8)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('font-size', LABEL_SIZE)
    .attr('font-variant-numeric', 'tabular-nums')
    .text((f) => (fieldStatus(f) === 'zero' ? 'IA —' : `IA ${fmt.ia(f.information_abundance)}${mixedK ? ` / ${f.dim}` : ''}`));

  root.append('rect').attr('x', margin.left).attr('y', margin.top).attr('width', plotW).attr('height', plotH).attr('fill', 'none').attr('stroke', GRID);

  root
    .append('text')
    .attr('x', margin.left + plotW + 8)
    .attr('y', margin.top - 6)
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text(mixedK ? `IA (K per row: ${d3.min(fields, (f) => f.dim)}–${columns})` : `IA (K=${columns})`);

  const tickEvery = Math.ceil(columns / Math.max(1, Math.floor(plotW / 28)));
  const ticks = x.domain().filter((i) => i === 1 || i % tickEvery === 0);
  const axis = root
    .append('g')
    .attr('transform', `translate(0,${margin.top + plotH})`)
    .call(d3.axisBottom(x).tickValues(ticks).tickSizeOuter(0));
  styleAxis(axis);
  axisTitle(root, 'singular value index', margin.left + plotW / 2, margin.top + plotH + 34, INK);

  // Never narrower than the plot allows, never negative (a narrow card's plot can be under 100 px).
  drawLegend(root, margin.left, margin.top + plotH + 52, Math.max(Math.min(plotW, 60), Math.min(220, plotW - 60)));
  return root.node()!;
}

/** The colour bar; a narrow one (a half-width card) gets three tick labels so they do not run together. */
function drawLegend(root: SvgRoot, x0: number, y0: number, w: number) {
  colorBarLegend(root, x0, y0, w, {
    idPrefix: 'spectrum-gradient',
    colorAt: spectrumColor,
    domain: [0, 1],
    ticks: (axis) => axis.tickValues(w >= 140 ? [0, 0.25, 0.5, 0.75, 1] : [0, 0.5, 1]).tickFormat(d3.format('.2~f')),
    caption: 's_i / s_1',
    captionGap: 12,
    captionSize: TICK_SIZE,
  });
}

/**
 * Hover on a heatmap drawn by renderSpectrumHeatmap: outlines the cell and shows its field,
 * s_i/s_1 and the field's IA. One listener on the rows group, not one per cell.
 */
export function addHeatmapTooltip(svg: SVGSVGElement, fields: readonly FieldSpectrum[]): SVGSVGElement {
  const sorted = sortFields(fields, 'cardinality');
  const rowsGroup = svg.querySelector('g.heatmap-rows');
  if (!rowsGroup) return svg;
  const outline = svg.ownerDocument.createElementNS('http://www.w3.org/2000/svg', 'rect');
  for (const [k, v] of [
    ['class', 'chart-tooltip'],
    ['fill', 'none'],
    ['stroke', INK],
    ['stroke-width', '1.5'],
    ['visibility', 'hidden'],
    ['pointer-events', 'none'],
  ])
    outline.setAttribute(k, v);
  svg.append(outline);
  const tip = attachTooltip(svg);
  const hide = () => {
    tip.hide();
    outline.setAttribute('visibility', 'hidden');
  };
  rowsGroup.addEventListener('mouseover', (event) => {
    const cell = event.target instanceof Element ? event.target.closest('rect.heatmap-cell') : null;
    const row = cell?.closest('g.heatmap-row');
    const f = sorted[Number(row?.getAttribute('data-row'))];
    if (!cell || !row || !f) return hide();
    const i = Number(cell.getAttribute('data-index'));
    const rowY = Number(row.getAttribute('data-y'));
    const [cx, cw, ch] = ['x', 'width', 'height'].map((a) => Number(cell.getAttribute(a)));
    for (const [k, v] of [
      ['x', cx],
      ['y', rowY],
      ['width', cw],
      ['height', ch],
    ] as const)
      outline.setAttribute(k, String(v));
    outline.setAttribute('visibility', 'visible');
    outline.parentNode?.append(outline);
    tip.show(
      [
        f.name,
        `index ${i}:  s_i/s_1 = ${fmt.exact(f.normalized_spectrum[i - 1])}`,
        `IA ${fmt.exact(f.information_abundance)} of K=${f.dim}  (IA/K ${fmt.ratio(f.information_abundance / f.dim)})`,
      ],
      cx + cw + 6,
      rowY + ch + 4,
    );
  });
  rowsGroup.addEventListener('mouseleave', hide);
  return svg;
}
