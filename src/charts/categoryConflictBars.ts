import * as d3 from 'd3';
import { axisTitle } from './chartAxes.ts';
import { divergingColor } from './chartLegend.ts';
import { INK, MUTED, TICK_SIZE, createSvg, fitText, fmt, styleAxis, textWidth } from './chartStyle.ts';

export interface CategoryConflict {
  category: string;
  meanCosine: number;
  /** Rows observed (a category's row once per step that touched it). */
  rows: number;
}

/** Mean cos(g_attn, g_repr) per category, a bar from 0 each: left of 0 the two roles conflict on that category's row. */
export function renderCategoryConflictBars(model: string, categories: readonly CategoryConflict[], width: number): SVGSVGElement {
  const barH = 16;
  const labelW = Math.ceil(Math.min(120, Math.max(30, ...categories.map((c) => textWidth(c.category, TICK_SIZE)))) + 10);
  const margin = { top: 40, right: 56, bottom: 42, left: labelW };
  const height = margin.top + Math.max(1, categories.length) * barH + margin.bottom;
  const conflicting = categories.filter((c) => c.meanCosine < 0).length;
  const root = createSvg(
    width,
    height,
    `${model}: cosine per category`,
    categories.length ? `${conflicting} of ${categories.length} categories have a negative mean cos(g_attn, g_repr).` : 'No gradients observed yet.',
  );
  const x = d3
    .scaleLinear()
    .domain([-1, 1])
    .range([margin.left, width - margin.right]);
  styleAxis(
    root
      .append('g')
      .attr('transform', `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(5)),
  );
  axisTitle(root, 'mean cos(g_attn, g_repr)', (margin.left + width - margin.right) / 2, height - 8, INK);
  root
    .append('line')
    .attr('x1', x(0))
    .attr('x2', x(0))
    .attr('y1', margin.top - 4)
    .attr('y2', height - margin.bottom)
    .attr('stroke', MUTED);
  categories.forEach((c, i) => {
    const y = margin.top + i * barH;
    const v = c.meanCosine;
    root
      .append('text')
      .attr('x', labelW - 6)
      .attr('y', y + barH / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(fitText(c.category, TICK_SIZE, labelW - 8));
    if (!Number.isFinite(v)) return;
    root
      .append('rect')
      .attr('class', 'category-conflict')
      .attr('data-category', c.category)
      .attr('data-value', v)
      .attr('x', Math.min(x(0), x(v)))
      .attr('y', y + 2)
      .attr('width', Math.max(1, Math.abs(x(v) - x(0))))
      .attr('height', barH - 4)
      .attr('fill', divergingColor(v))
      .attr('stroke', MUTED)
      .attr('stroke-width', 0.4)
      .append('title')
      .text(`${c.category}: mean cosine ${fmt.signed(v)} over ${c.rows} rows`);
    root
      .append('text')
      .attr('x', width - margin.right + 6)
      .attr('y', y + barH / 2)
      .attr('dy', '0.35em')
      .attr('font-size', TICK_SIZE)
      .attr('font-variant-numeric', 'tabular-nums')
      .attr('fill', MUTED)
      .text(fmt.signed(v));
  });
  return root.node()!;
}
