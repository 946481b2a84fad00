import * as d3 from 'd3';
import { GRID, INK, LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fmt, inkOn, shortenName, textWidth, type SvgRoot } from './chartStyle.ts';
import { colorBarLegend } from './chartLegend.ts';
import { attachTooltip } from './chartTooltip.ts';

const MAX_LABEL = 18;

/** The DCNv2 interaction-collapse matrix as the chart reads it. */
export interface InteractionMatrix {
  fields: readonly string[];
  /** ia[i][j]: IA of field i as seen by field j. */
  ia: readonly (readonly number[])[];
  /** IA of each field's own rows: both axes are sorted by it. */
  rawIa: readonly number[];
  /** Embedding dimension K: IA lies in [1, K], the colour scale's fixed domain. */
  dim: number;
}

/** Field order of both axes: raw IA ascending (most collapsed first). */
export function rawIaOrder(m: Pick<InteractionMatrix, 'rawIa'>): number[] {
  return m.rawIa.map((_, i) => i).sort((a, b) => m.rawIa[a] - m.rawIa[b] || a - b);
}

export interface MatrixLayout {
  width: number;
  height: number;
  /** Cell width: the matrix spans the chart's width. */
  cellW: number;
  /** Cell height: as wide as a cell up to 40 px, so a few fields do not make a page-tall matrix. */
  cellH: number;
  left: number;
  top: number;
  /** Column labels written level (wide cells) or slanted. */
  levelLabels: boolean;
}

/** Cells fill the width; labels measured so they never overlap the grid. */
export function interactionLayout(m: InteractionMatrix, width: number): MatrixLayout {
  const n = Math.max(1, m.fields.length);
  const labelText = Math.max(...m.fields.map((f) => textWidth(matrixLabel(f, 99), TICK_SIZE)), 0);
  const labelW = Math.max(40, labelText) + 12;
  const cellW = Math.max(8, Math.floor((width - labelW - 24) / n));
  const cellH = Math.max(8, Math.min(40, cellW));
  const levelLabels = cellW >= labelText + 6;
  const top = levelLabels ? 74 : 56 + labelW * 0.87;
  return { width, height: top + n * cellH + 70, cellW, cellH, left: labelW, top, levelLabels };
}

const SUBTITLE = 'Rows: field i, columns: field j that sees it; both sorted by raw IA (in brackets).';
const SHORT_SUBTITLE = 'Row i as seen by column j; sorted by raw IA (bracketed).';
const legendCaption = (dim: number) => `IA (1 to K=${dim})`;

const matrixLabel = (field: string, rawIa: number) => `${shortenName(field, MAX_LABEL)} (${fmt.ia(rawIa)})`;

export function interactionDescription(m: InteractionMatrix): string {
  const flat = m.ia.flatMap((row, i) => row.map((v, j) => ({ i, j, v })));
  if (flat.length === 0) return 'No fields.';
  const lo = flat.reduce((a, b) => (b.v < a.v ? b : a));
  return (
    `${m.fields.length} x ${m.fields.length} fields, both axes sorted by raw IA. Cell (row i, column j) is the IA of field i as seen by field j through the first cross layer, coloured on a fixed 1 to K=${m.dim} scale. ` +
    `Lowest: ${m.fields[lo.i]} seen by ${m.fields[lo.j]}, IA ${fmt.ia(lo.v)}.`
  );
}

/** The colour scale: fixed to IA's range [1, K], so matrices of different runs and steps compare. */
export function interactionColor(dim: number): d3.ScaleSequential<string> {
  return d3
    .scaleSequential(d3.interpolateViridis)
    .domain([1, Math.max(2, dim)])
    .clamp(true);
}

/** The DCNv2 interaction-collapse matrix: IA of field i (row) projected for field j (column). */
export function renderInteractionMatrix(m: InteractionMatrix, opts: { width: number; title?: string }): SVGSVGElement {
  const layout = interactionLayout(m, opts.width);
  const { width, height, cellW, cellH, left, top } = layout;
  const root = createSvg(width, height, opts.title ?? 'Interaction collapse (DCNv2): IA of field i as seen by field j', interactionDescription(m));
  const order = rawIaOrder(m);
  const n = order.length;
  const color = interactionColor(m.dim);
  const showValues = cellW >= 40 && cellH >= 18;

  const cells = order.flatMap((i, r) => order.map((j, c) => ({ i, j, r, c, v: m.ia[i][j] })));
  const cellGroup = root.append('g').attr('class', 'matrix-cells');
  for (const d of cells) {
    cellGroup
      .append('rect')
      .attr('class', 'matrix-cell')
      .attr('x', left + d.c * cellW)
      .attr('y', top + d.r * cellH)
      .attr('width', cellW - 1)
      .attr('height', cellH - 1)
      .attr('fill', color(d.v))
      .attr('data-row', d.i)
      .attr('data-col', d.j)
      .attr('data-ia', d.v.toFixed(3));
    if (showValues) {
      cellGroup
        .append('text')
        .attr('x', left + d.c * cellW + cellW / 2)
        .attr('y', top + d.r * cellH + cellH / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'middle')
        .attr('class', 'on-mark')
        .attr('font-size', TICK_SIZE)
        .attr('pointer-events', 'none')
        .attr('fill', inkOn(color(d.v)))
        .text(fmt.ia(d.v));
    }
  }

  const label = (i: number) => matrixLabel(m.fields[i], m.rawIa[i]);
  root
    .append('g')
    .selectAll('text')
    .data(order)
    .join('text')
    .attr('x', left - 6)
    .attr('y', (_, r) => top + r * cellH + cellH / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('font-size', TICK_SIZE)
    .attr('fill', INK)
    .text(label);
  const columnLabels = root.append('g').selectAll('text').data(order).join('text').attr('font-size', TICK_SIZE).attr('fill', INK).text(label);
  if (layout.levelLabels)
    columnLabels
      .attr('x', (_, c) => left + c * cellW + cellW / 2)
      .attr('y', top - 8)
      .attr('text-anchor', 'middle');
  else columnLabels.attr('transform', (_, c) => `translate(${left + c * cellW + cellW / 2},${top - 6}) rotate(-60)`);
  root
    .append('text')
    .attr('x', 12)
    .attr('y', 42)
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text(width - 12 >= textWidth(SUBTITLE, TICK_SIZE) ? SUBTITLE : SHORT_SUBTITLE);
  root
    .append('rect')
    .attr('x', left)
    .attr('y', top)
    .attr('width', n * cellW)
    .attr('height', n * cellH)
    .attr('fill', 'none')
    .attr('stroke', GRID);

  // The bar leaves room for its caption to its right, down to 80 px on a phone.
  const captionRoom = textWidth(legendCaption(m.dim), LABEL_SIZE) + 16;
  drawLegend(root, color, left, top + n * cellH + 18, Math.max(80, Math.min(240, Math.max(120, n * cellW), width - left - captionRoom)), m.dim);
  return root.node()!;
}

function drawLegend(root: SvgRoot, color: d3.ScaleSequential<string>, x0: number, y0: number, w: number, dim: number) {
  const [lo, hi] = color.domain();
  colorBarLegend(root, x0, y0, w, {
    idPrefix: 'ia-gradient',
    colorAt: (t) => color(lo + t * (hi - lo)),
    domain: [lo, hi],
    ticks: (axis) => axis.ticks(4, '.2~f'),
    caption: legendCaption(dim),
    captionGap: 10,
    captionSize: LABEL_SIZE,
  });
}

/** Hover on a matrix drawn by renderInteractionMatrix: which field sees which, and both raw IAs. */
export function addMatrixTooltip(svg: SVGSVGElement, m: InteractionMatrix): SVGSVGElement {
  const tip = attachTooltip(svg);
  svg.querySelectorAll<SVGRectElement>('rect.matrix-cell').forEach((cell) => {
    cell.addEventListener('mouseenter', () => {
      const i = Number(cell.dataset.row);
      const j = Number(cell.dataset.col);
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(cell.getAttribute(a)));
      tip.show(
        [
          `${m.fields[i]} seen by ${m.fields[j]}`,
          `IA ${fmt.exact(m.ia[i][j])} of K=${m.dim}`,
          `raw IA: ${fmt.ia(m.rawIa[i])} (row), ${fmt.ia(m.rawIa[j])} (column)`,
        ],
        x + w + 5,
        y + h + 5,
      );
    });
    cell.addEventListener('mouseleave', () => tip.hide());
  });
  return svg;
}
