import * as d3 from 'd3';
import { colorBarLegend } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fitText, fmt, textWidth } from './chartStyle.ts';

/** One heatmap of a target category: behaviour categories (rows) x target-relative positions (columns). */
export interface CorrelationPanel {
  /** "ground truth", or the model's name. */
  label: string;
  /** rows x positions row-major; drawn min-max normalised, shown raw in each cell's tooltip. */
  values: readonly number[];
  /** What the raw values are ("MI, bits" or "learned, min-max"). */
  unit: string;
  /** Under the label, e.g. "ρ = 0.62 with the ground truth". */
  note?: string;
}

/** Min-max to [0, 1]; a constant or empty matrix is all 0 (NaN stays NaN). */
export function displayScale(values: readonly number[]): number[] {
  const finite = values.filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 0;
  return values.map((v) => (Number.isFinite(v) ? (hi > lo ? (v - lo) / (hi - lo) : 0) : NaN));
}

const NO_VALUE = '#d0d7de';
const blues = (t: number) => (Number.isFinite(t) ? d3.interpolateBlues(0.04 + 0.96 * t) : NO_VALUE);

/** Panels side by side (wrapping on a narrow chart) with a common 0-1 colour bar. */
export interface PanelGrid {
  columns: number;
  panelW: number;
  cell: number;
}

/** How many panels fit a row and their size: cells between 8 and 26 px, at least one panel a row. */
export function panelGrid(count: number, positions: number, labelW: number, width: number): PanelGrid {
  const gap = 18;
  const usable = Math.max(60, width - 24);
  for (let columns = Math.max(1, count); columns > 1; columns--) {
    const panelW = (usable - gap * (columns - 1)) / columns;
    const cell = Math.floor((panelW - labelW) / Math.max(1, positions));
    if (cell >= 12) return { columns, panelW, cell: Math.min(26, cell) };
  }
  const cell = Math.max(8, Math.min(26, Math.floor((usable - labelW) / Math.max(1, positions))));
  return { columns: 1, panelW: usable, cell };
}

/**
 * The ground-truth correlation of one target category beside each model's learned correlation
 * (SCIENCE.md section 4): Blues, each panel min-max normalised for display.
 */
export function renderCorrelationHeatmaps(
  target: string,
  rows: readonly string[],
  positions: number,
  panels: readonly CorrelationPanel[],
  width: number,
): SVGSVGElement {
  const rowLabelW = Math.ceil(Math.min(90, Math.max(24, ...rows.map((r) => textWidth(r, TICK_SIZE)))) + 8);
  const { columns, panelW, cell } = panelGrid(panels.length, positions, rowLabelW, width);
  const panelH = 34 + rows.length * cell + 34;
  const top = 34;
  const legendH = 46;
  const panelRows = Math.max(1, Math.ceil(panels.length / columns));
  const height = top + panelRows * panelH + legendH;
  const root = createSvg(
    width,
    height,
    `Target category ${target}: which behaviours predict the label`,
    panels.length
      ? panels.map((p) => `${p.label}${p.note ? ` (${p.note})` : ''}`).join('; ') +
          `. Rows: behaviour categories ${rows.join(', ')}; columns: positions 1 to ${positions} (1 = most recent).`
      : 'No data yet.',
  );
  panels.forEach((panel, i) => {
    const left = 12 + (i % columns) * (panelW + 18);
    const y0 = top + Math.floor(i / columns) * panelH;
    const g = root.append('g').attr('class', 'correlation-panel').attr('data-label', panel.label);
    g.append('text')
      .attr('x', left)
      .attr('y', y0 + 12)
      .attr('font-size', LABEL_SIZE)
      .attr('font-weight', 600)
      .text(fitText(panel.label, LABEL_SIZE, panelW));
    g.append('text')
      .attr('class', 'panel-note')
      .attr('x', left)
      .attr('y', y0 + 26)
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(fitText(panel.note ?? '', TICK_SIZE, panelW));
    const shown = displayScale(panel.values);
    const gridTop = y0 + 34;
    const gridLeft = left + rowLabelW;
    rows.forEach((r, ri) => {
      g.append('text')
        .attr('x', gridLeft - 4)
        .attr('y', gridTop + ri * cell + cell / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'end')
        .attr('font-size', Math.min(TICK_SIZE, cell))
        .attr('fill', MUTED)
        .text(fitText(r, TICK_SIZE, rowLabelW - 6));
      for (let p = 0; p < positions; p++) {
        const v = panel.values[ri * positions + p];
        g.append('rect')
          .attr('class', 'correlation-cell')
          .attr('data-row', r)
          .attr('data-position', p + 1)
          .attr('data-value', Number.isFinite(v) ? v : 'NaN')
          .attr('x', gridLeft + p * cell)
          .attr('y', gridTop + ri * cell)
          .attr('width', cell - 1)
          .attr('height', cell - 1)
          .attr('fill', blues(shown[ri * positions + p]))
          .append('title')
          .text(`${panel.label}: behaviour ${r} at position ${p + 1}: ${Number.isFinite(v) ? d3.format('.4~g')(v) : 'no value'} (${panel.unit})`);
      }
    });
    const axisY = gridTop + rows.length * cell + 12;
    const every = Math.max(1, Math.ceil(16 / cell));
    for (let p = 0; p < positions; p++) {
      if (p % every !== 0 && p !== positions - 1) continue;
      g.append('text')
        .attr('x', gridLeft + p * cell + cell / 2)
        .attr('y', axisY)
        .attr('text-anchor', 'middle')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(p + 1);
    }
    g.append('text')
      .attr('x', gridLeft + (positions * cell) / 2)
      .attr('y', axisY + 15)
      .attr('text-anchor', 'middle')
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text('position (1 = most recent)');
  });
  colorBarLegend(root, 12, height - legendH + 12, Math.min(160, width / 3), {
    idPrefix: 'blues-gradient',
    colorAt: blues,
    domain: [0, 1],
    ticks: (axis) => axis.ticks(2).tickFormat((d) => fmt.value(Number(d))),
    caption: 'each panel min-max scaled',
    captionGap: 8,
    captionSize: TICK_SIZE,
  });
  return root.node()!;
}
