import { divergingColor, divergingLegend } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fmt, textWidth } from './chartStyle.ts';

export interface EntanglementColumn {
  step: number;
  /** Per field, mean row cosine of the two tasks' gradients (NaN: no row got both). */
  cosine: readonly number[];
}

/** Column width for `count` columns in `plotW` px, and which columns get a step label. */
export function heatmapColumns(count: number, plotW: number): { width: number; labelEvery: number } {
  const width = count > 0 ? plotW / count : plotW;
  return { width, labelEvery: Math.max(1, Math.ceil(44 / Math.max(1, width))) };
}

/** Mean of the finite cosines of one field over the columns. */
export function rowMean(columns: readonly EntanglementColumn[], field: number): number {
  const v = columns.map((c) => c.cosine[field]).filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

/** Fields (rows) x training steps (columns): cos(g^A, g^B) on the shared embedding rows, diverging at 0. */
export function renderEntanglementHeatmap(title: string, fields: readonly string[], columns: readonly EntanglementColumn[], width: number): SVGSVGElement {
  const rowH = 22;
  const labelW = Math.ceil(Math.max(40, ...fields.map((f) => textWidth(f, LABEL_SIZE))) + 12);
  const meanW = 52;
  const margin = { top: 44, right: 12 + meanW, bottom: 78, left: labelW };
  const height = margin.top + fields.length * rowH + margin.bottom;
  const means = fields.map((_, f) => rowMean(columns, f));
  const root = createSvg(
    width,
    height,
    title,
    `Per field, mean over steps: ${fields.map((f, i) => `${f} ${fmt.value(means[i])}`).join(', ')}. Negative means the tasks pull the same embedding rows apart.`,
  );
  const plotW = Math.max(40, width - margin.left - margin.right);
  const { width: colW, labelEvery } = heatmapColumns(columns.length, plotW);
  fields.forEach((f, r) => {
    const y = margin.top + r * rowH;
    root
      .append('text')
      .attr('x', labelW - 8)
      .attr('y', y + rowH / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', LABEL_SIZE)
      .text(f);
    columns.forEach((c, i) => {
      const v = c.cosine[r];
      root
        .append('rect')
        .attr('class', 'entanglement-cell')
        .attr('data-field', f)
        .attr('data-step', c.step)
        .attr('data-value', Number.isFinite(v) ? v : 'NaN')
        .attr('x', margin.left + i * colW)
        .attr('y', y)
        .attr('width', Math.max(0.5, colW - (colW > 4 ? 1 : 0)))
        .attr('height', rowH - 2)
        .attr('fill', divergingColor(v))
        .append('title')
        .text(`${f}, step ${c.step}: ${Number.isFinite(v) ? fmt.precise(v) : 'no row got both gradients'}`);
    });
    root
      .append('text')
      .attr('x', width - meanW + 4)
      .attr('y', y + rowH / 2)
      .attr('dy', '0.35em')
      .attr('font-size', TICK_SIZE)
      .attr('font-variant-numeric', 'tabular-nums')
      .attr('fill', MUTED)
      .text(Number.isFinite(means[r]) ? fmt.signed(means[r]) : '–');
  });
  root
    .append('text')
    .attr('x', width - meanW + 4)
    .attr('y', margin.top - 6)
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text('mean');
  const axisY = margin.top + fields.length * rowH + 12;
  columns.forEach((c, i) => {
    if (i % labelEvery === 0)
      root
        .append('text')
        .attr('x', margin.left + i * colW + colW / 2)
        .attr('y', axisY)
        .attr('text-anchor', 'middle')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(c.step);
  });
  root
    .append('text')
    .attr('x', margin.left + plotW / 2)
    .attr('y', axisY + 18)
    .attr('text-anchor', 'middle')
    .attr('font-size', LABEL_SIZE)
    .text(columns.length ? 'training step' : 'no steps yet');
  divergingLegend(root, margin.left, height - 30, Math.min(220, plotW / 2), 'cos(g^A, g^B) per embedding row, averaged', width - margin.left - 4);
  return root.node()!;
}
