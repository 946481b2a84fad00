import * as d3 from 'd3';
import type { InteractionCollapse } from '../models/interactionCollapse.ts';
import { FONT, GRID, INK, LABEL_SIZE, MUTED, TICK_SIZE, fmt, prepareSvg, styleAxis, shortenName, textWidth } from './chartStyle.ts';

const MAX_LABEL = 18;

/** Field order of both axes: raw IA ascending (most collapsed first). */
export function rawIaOrder(m: InteractionCollapse): number[] {
  return m.rawIa.map((_, i) => i).sort((a, b) => m.rawIa[a] - m.rawIa[b] || a - b);
}

export interface MatrixLayout {
  width: number;
  height: number;
  cell: number;
  left: number;
  top: number;
}

/** Square cells sized to the width (capped), labels measured so they never overlap the grid. */
export function interactionLayout(m: InteractionCollapse, width: number): MatrixLayout {
  const n = Math.max(1, m.fields.length);
  const labelW = Math.max(40, ...m.fields.map((f) => textWidth(`${shortenName(f, MAX_LABEL)} (${fmt.ia(99)})`, TICK_SIZE))) + 12;
  const cell = Math.max(8, Math.min(34, Math.floor((width - labelW - 30) / n)));
  const top = 56 + labelW * 0.87;
  return { width, height: top + n * cell + 70, cell, left: labelW, top };
}

export function interactionDescription(m: InteractionCollapse): string {
  const flat = m.ia.flatMap((row, i) => row.map((v, j) => ({ i, j, v })));
  if (flat.length === 0) return 'No fields.';
  const lo = flat.reduce((a, b) => (b.v < a.v ? b : a));
  return `${m.fields.length} x ${m.fields.length} fields, both axes sorted by raw IA. Cell (row i, column j) is the IA of field i as seen by field j through the first cross layer. ` +
    `Lowest: ${m.fields[lo.i]} seen by ${m.fields[lo.j]}, IA ${fmt.ia(lo.v)}.`;
}

/** The DCNv2 interaction-collapse matrix: IA of field i (row) projected for field j (column). */
export function renderInteractionMatrix(svg: SVGSVGElement, m: InteractionCollapse, opts: { width: number; title?: string }): void {
  const layout = interactionLayout(m, opts.width);
  const { width, height, cell, left, top } = layout;
  const root = prepareSvg(svg, width, height, opts.title ?? 'Interaction collapse (DCNv2): IA of field i as seen by field j', interactionDescription(m));
  const order = rawIaOrder(m);
  const n = order.length;
  const values = m.ia.flat();
  const hi = Math.max(1, d3.max(values) ?? 1);
  const color = d3.scaleSequential(d3.interpolateViridis).domain([1, hi]);

  const cells = order.flatMap((i, r) => order.map((j, c) => ({ i, j, r, c, v: m.ia[i][j] })));
  root.append('g').attr('class', 'matrix-cells').selectAll('rect').data(cells).join('rect')
    .attr('class', 'matrix-cell')
    .attr('x', (d) => left + d.c * cell).attr('y', (d) => top + d.r * cell)
    .attr('width', cell - 1).attr('height', cell - 1)
    .attr('fill', (d) => color(d.v))
    .attr('data-ia', (d) => d.v.toFixed(3));

  const label = (i: number) => `${shortenName(m.fields[i], MAX_LABEL)} (${fmt.ia(m.rawIa[i])})`;
  root.append('g').selectAll('text').data(order).join('text')
    .attr('x', left - 6).attr('y', (_, r) => top + r * cell + cell / 2).attr('dy', '0.35em').attr('text-anchor', 'end').attr('font-size', TICK_SIZE).attr('fill', INK)
    .text(label);
  root.append('g').selectAll('text').data(order).join('text')
    .attr('transform', (_, c) => `translate(${left + c * cell + cell / 2},${top - 6}) rotate(-60)`).attr('font-size', TICK_SIZE).attr('fill', INK)
    .text(label);
  root.append('text').attr('x', 12).attr('y', 42).attr('font-size', TICK_SIZE).attr('fill', MUTED).text('Rows: field i, columns: field j that sees it; both sorted by raw IA (in brackets).');
  root.append('rect').attr('x', left).attr('y', top).attr('width', n * cell).attr('height', n * cell).attr('fill', 'none').attr('stroke', GRID);

  drawLegend(root, color, left, top + n * cell + 18, Math.min(240, Math.max(120, n * cell)), hi);
  drawTooltip(root, m, cell, width);
}

function drawLegend(root: d3.Selection<SVGSVGElement, unknown, null, undefined>, color: d3.ScaleSequential<string>, x0: number, y0: number, w: number, hi: number) {
  const id = `ia-gradient-${Math.random().toString(36).slice(2, 8)}`;
  const grad = root.append('defs').append('linearGradient').attr('id', id);
  d3.range(0, 1.0001, 0.1).forEach((t) => grad.append('stop').attr('offset', `${t * 100}%`).attr('stop-color', color(1 + t * (hi - 1))));
  const g = root.append('g').attr('class', 'legend').attr('transform', `translate(${x0},${y0})`);
  g.append('rect').attr('width', w).attr('height', 10).attr('fill', `url(#${id})`).attr('stroke', GRID);
  const axis = g.append('g').attr('transform', 'translate(0,10)').call(d3.axisBottom(d3.scaleLinear().domain([1, hi]).range([0, w])).ticks(4, '.2~f').tickSize(4));
  styleAxis(axis);
  axis.select('.domain').remove();
  g.append('text').attr('x', w + 10).attr('y', 9).attr('font-size', LABEL_SIZE).attr('fill', MUTED).text('IA');
}

type Cell = { i: number; j: number; r: number; c: number; v: number };

function drawTooltip(root: d3.Selection<SVGSVGElement, unknown, null, undefined>, m: InteractionCollapse, cell: number, width: number) {
  const tip = root.append('g').attr('class', 'chart-tooltip').attr('pointer-events', 'none').attr('visibility', 'hidden');
  const box = tip.append('rect').attr('rx', 4).attr('fill', '#ffffff').attr('stroke', INK).attr('stroke-opacity', 0.3);
  const text = tip.append('text').attr('font-size', TICK_SIZE + 1).attr('font-family', FONT).attr('fill', INK);
  root.selectAll<SVGRectElement, Cell>('rect.matrix-cell')
    .on('mouseenter', function (_, d) {
      const lines = [`${m.fields[d.i]} seen by ${m.fields[d.j]}`, `IA ${fmt.exact(d.v)}`, `raw IA: ${fmt.ia(m.rawIa[d.i])} (row), ${fmt.ia(m.rawIa[d.j])} (column)`];
      text.selectAll('tspan').data(lines).join('tspan').attr('x', 8).attr('dy', (_, k) => (k === 0 ? '1.2em' : '1.35em')).attr('font-weight', (_, k) => (k === 0 ? 600 : 400)).text((l) => l);
      const boxW = Math.max(...lines.map((l) => textWidth(l, TICK_SIZE + 1))) + 16;
      box.attr('width', boxW).attr('height', lines.length * 17 + 10);
      const x = Number(this.getAttribute('x'));
      const y = Number(this.getAttribute('y'));
      tip.attr('transform', `translate(${Math.min(Math.max(4, x + cell + 4), width - boxW - 4)},${y + cell + 4})`).attr('visibility', 'visible').raise();
    })
    .on('mouseleave', () => tip.attr('visibility', 'hidden'));
}

/** CSV of the matrix in display order: first column the row field, then one column per field. */
export function interactionCsv(m: InteractionCollapse): string {
  const order = rawIaOrder(m);
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [['field (raw IA ascending)', 'raw_ia', ...order.map((j) => m.fields[j])].map(q).join(','),
    ...order.map((i) => [q(m.fields[i]), m.rawIa[i], ...order.map((j) => m.ia[i][j])].join(','))].join('\n') + '\n';
}
