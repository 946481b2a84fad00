import { divergingColor, divergingLegend } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fitText, fmt, inkOn, textWidth } from './chartStyle.ts';

export interface LayerCosine {
  layer: string;
  /** T x T row-major; NaN where a task's gradient was zero. */
  cosine: readonly number[];
}

export interface CosineArm {
  label: string;
  layers: readonly LayerCosine[];
}

export interface MatrixGrid {
  /** Side of one matrix cell, px. */
  cell: number;
  /** Panels per row. */
  columns: number;
  rows: number;
  panelW: number;
  panelH: number;
}

/** Places `count` T x T panels in rows across `width`, cells between 18 and 56 px. */
export function matrixGrid(count: number, T: number, width: number, labelW: number): MatrixGrid {
  const gap = 24;
  const panelFor = (cell: number) => labelW + T * cell + gap;
  const columns = Math.max(1, Math.min(count, Math.floor((width - 24) / panelFor(36))));
  const cell = Math.max(18, Math.min(56, Math.floor(((width - 24) / columns - labelW - gap) / Math.max(1, T))));
  return { cell, columns, rows: Math.ceil(count / columns), panelW: panelFor(cell), panelH: 22 + T * cell + 34 };
}

/** The T x T cosine of the task gradients per shared layer (last step), one panel per optimiser and layer. */
export function renderCosineMatrix(tasks: readonly string[], arms: readonly CosineArm[], width: number): SVGSVGElement {
  const T = tasks.length;
  const panels = arms.flatMap((a) => a.layers.map((l) => ({ arm: a.label, layer: l.layer, cosine: l.cosine })));
  const labelW = Math.ceil(Math.max(30, ...tasks.map((t) => textWidth(t, TICK_SIZE))) + 8);
  const g = matrixGrid(panels.length, T, width, labelW);
  const top = 44;
  const height = top + g.rows * g.panelH + 44;
  const describe = panels
    .map((p) => `${p.arm} ${p.layer}: ${T === 2 ? `cos ${fmt.value(p.cosine[1])}` : p.cosine.map((v) => fmt.value(v)).join(' ')}`)
    .join('; ');
  const root = createSvg(width, height, 'Gradient cosine between tasks per shared layer', describe || 'No steps yet.');
  panels.forEach((p, i) => {
    const px = 12 + (i % g.columns) * g.panelW;
    const py = top + Math.floor(i / g.columns) * g.panelH;
    const panel = root
      .append('g')
      .attr('class', 'cosine-panel')
      .attr('data-arm', p.arm)
      .attr('data-layer', p.layer)
      .attr('transform', `translate(${px},${py})`);
    panel
      .append('text')
      .attr('x', labelW)
      .attr('y', 12)
      .attr('font-size', LABEL_SIZE)
      .attr('font-weight', 600)
      .text(fitText(`${p.layer} · ${p.arm}`, LABEL_SIZE, g.panelW - labelW - 4))
      .append('title')
      .text(`${p.layer} · ${p.arm}`);
    for (let r = 0; r < T; r++) {
      panel
        .append('text')
        .attr('x', labelW - 6)
        .attr('y', 22 + r * g.cell + g.cell / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'end')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(tasks[r]);
      for (let c = 0; c < T; c++) {
        const v = p.cosine[r * T + c];
        const x = labelW + c * g.cell;
        const y = 22 + r * g.cell;
        panel
          .append('rect')
          .attr('class', 'cosine-cell')
          .attr('data-row', r)
          .attr('data-col', c)
          .attr('data-value', Number.isFinite(v) ? v : 'NaN')
          .attr('x', x)
          .attr('y', y)
          .attr('width', g.cell - 1)
          .attr('height', g.cell - 1)
          .attr('fill', divergingColor(v))
          .append('title')
          .text(`${p.layer}, ${p.arm}: cos(g_${tasks[r]}, g_${tasks[c]}) = ${Number.isFinite(v) ? fmt.precise(v) : 'undefined (zero gradient)'}`);
        if (g.cell >= 30)
          panel
            .append('text')
            .attr('x', x + g.cell / 2)
            .attr('y', y + g.cell / 2)
            .attr('dy', '0.35em')
            .attr('text-anchor', 'middle')
            .attr('font-size', TICK_SIZE)
            .attr('class', 'on-mark')
            .attr('fill', inkOn(divergingColor(v)))
            .text(Number.isFinite(v) ? fmt.value(v) : '–');
      }
    }
    for (let c = 0; c < T; c++)
      panel
        .append('text')
        .attr('x', labelW + c * g.cell + g.cell / 2)
        .attr('y', 22 + T * g.cell + 13)
        .attr('text-anchor', 'middle')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(tasks[c]);
  });
  divergingLegend(root, 12, height - 32, Math.min(220, width / 3), 'cosine: −1 tasks pull apart, +1 agree', width - 16);
  return root.node()!;
}
