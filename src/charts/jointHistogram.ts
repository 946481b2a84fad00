import * as d3 from 'd3';
import { modelName } from '../contracts/modelNames.ts';
import { LABEL_SIZE, MUTED, TICK_SIZE, createSvg } from './chartStyle.ts';
import type { ModelDistances } from './distanceHistogram.ts';

/** Sequential colour for a count relative to the panel's largest (white at 0). */
export function countColor(count: number, max: number): string {
  return count > 0 && max > 0 ? d3.interpolateBlues(0.15 + 0.85 * Math.sqrt(count / max)) : '#ffffff';
}

/** Number of panels per row and the side of one panel's plot for `count` panels in `width`. */
export function jointLayout(count: number, width: number): { columns: number; side: number } {
  const columns = Math.max(1, Math.min(count, Math.floor((width - 12) / 190)));
  const side = Math.max(100, Math.min(220, Math.floor((width - 12) / columns) - 64));
  return { columns, side };
}

/**
 * Per model, the 2-D histogram over conflict pairs of (distance under task A's table, under task
 * B's). A shared table gives one distance per pair (the diagonal); task slices spread it.
 */
export function renderJointHistograms(tasks: readonly [string, string], models: readonly ModelDistances[], width: number): SVGSVGElement {
  const { columns, side } = jointLayout(models.length, width);
  const cellW = side + 64;
  const cellH = side + 62;
  const top = 40;
  const height = top + Math.ceil(models.length / columns) * cellH + 8;
  const root = createSvg(
    width,
    height,
    `Conflict pairs: distance under ${tasks[0]}'s table vs ${tasks[1]}'s`,
    models.map((m) => `${modelName(m.name)}: ${m.tables.join(' vs ')}`).join('; ') || 'Not measured yet.',
  );
  models.forEach((m, i) => {
    const x0 = 12 + 44 + (i % columns) * cellW;
    const y0 = top + 18 + Math.floor(i / columns) * cellH;
    const n = m.joint.bins;
    const max = Math.max(0, ...m.joint.counts);
    const g = root
      .append('g')
      .attr('class', 'joint-panel')
      .attr('data-model', m.name)
      .attr(
        'data-total',
        m.joint.counts.reduce((a, b) => a + b, 0),
      );
    g.append('text')
      .attr('x', x0)
      .attr('y', y0 - 6)
      .attr('font-size', LABEL_SIZE)
      .attr('font-weight', 600)
      .text(modelName(m.name));
    g.append('rect')
      .attr('x', x0)
      .attr('y', y0)
      .attr('width', side)
      .attr('height', side)
      .attr('fill', '#ffffff')
      .attr('stroke', MUTED)
      .attr('stroke-width', 0.5);
    const c = side / Math.max(1, n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const v = m.joint.counts[row * n + col];
        if (v === 0) continue;
        // Row 0 is the smallest B distance: drawn at the bottom.
        g.append('rect')
          .attr('x', x0 + col * c)
          .attr('y', y0 + side - (row + 1) * c)
          .attr('width', c)
          .attr('height', c)
          .attr('fill', countColor(v, max))
          .append('title')
          .text(`${v} conflict pairs`);
      }
    }
    const fmt = d3.format('.2f');
    const xe = m.joint.xEdges;
    const ye = m.joint.yEdges;
    g.append('text')
      .attr('x', x0)
      .attr('y', y0 + side + 13)
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(fmt(xe[0]));
    g.append('text')
      .attr('x', x0 + side)
      .attr('y', y0 + side + 13)
      .attr('text-anchor', 'end')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(fmt(xe[xe.length - 1]));
    g.append('text')
      .attr('x', x0 + side / 2)
      .attr('y', y0 + side + 28)
      .attr('text-anchor', 'middle')
      .attr('font-size', TICK_SIZE)
      .text(`d under ${tasks[0]} (${m.tables[0]})`);
    g.append('text')
      .attr('x', x0 - 4)
      .attr('y', y0 + side)
      .attr('text-anchor', 'end')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(fmt(ye[0]));
    g.append('text')
      .attr('x', x0 - 4)
      .attr('y', y0 + 9)
      .attr('text-anchor', 'end')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(fmt(ye[ye.length - 1]));
    g.append('text')
      .attr('transform', `translate(${x0 - 30},${y0 + side / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', TICK_SIZE)
      .text(`d under ${tasks[1]}`);
  });
  return root.node()!;
}
