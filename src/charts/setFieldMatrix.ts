import * as d3 from 'd3';
import { COLLAPSED_BELOW, fieldStatus, iaRatio } from '../analysis/collapseVerdict.ts';
import type { SetFieldGrid } from '../analysis/setFieldGrid.ts';
import { GRID, INK, LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fitText, fmt, inkOn, shortenName, textWidth } from './chartStyle.ts';

export interface SetFieldMatrixOptions {
  width: number;
}

const MAX_LABEL = 16;
/** IA/K colour: low (collapsed) dark red to high (every dimension in use) pale. */
const ratioColor = (r: number) => d3.interpolateRdYlBu(Math.max(0, Math.min(1, r)));

/**
 * The multi-embedding comparison: IA/K of every field (columns) in every embedding set (rows),
 * plus a last row with the field's best set, as the paper compares sets field by field.
 * Cells below COLLAPSED_BELOW are outlined; fields with fewer rows than K are hatched grey.
 */
export function renderSetFieldMatrix(grid: SetFieldGrid, opts: SetFieldMatrixOptions): SVGSVGElement {
  const rowLabels = [...grid.sets, 'best set'];
  const left = Math.ceil(Math.max(70, ...rowLabels.map((l) => textWidth(shortenName(l, MAX_LABEL), LABEL_SIZE))) + 14);
  const n = Math.max(1, grid.fields.length);
  const plotW = Math.max(60, opts.width - left - 12);
  const cellW = plotW / n;
  const level = grid.fields.every((f) => textWidth(shortenName(f, MAX_LABEL), TICK_SIZE) < cellW - 4);
  const labelRoom = level ? 18 : Math.min(90, Math.max(...grid.fields.map((f) => textWidth(shortenName(f, MAX_LABEL), TICK_SIZE))) * 0.72 + 12);
  const top = 40 + labelRoom;
  const cellH = 26;
  const height = top + rowLabels.length * cellH + 34;
  const collapsedCells = grid.cells.flat().filter((f) => fieldStatus(f) === 'collapsed').length;
  const root = createSvg(
    opts.width,
    height,
    `IA/K by embedding set and field`,
    `${collapsedCells} of ${grid.cells.flat().length} set-fields below IA/K ${COLLAPSED_BELOW}.`,
  );

  const cols = root.append('g').attr('class', 'matrix-columns');
  grid.fields.forEach((f, j) => {
    const x = left + (j + 0.5) * cellW;
    const label = cols.append('text').attr('font-size', TICK_SIZE).attr('fill', MUTED).text(shortenName(f, MAX_LABEL));
    label.append('title').text(f);
    if (level)
      label
        .attr('x', x)
        .attr('y', top - 6)
        .attr('text-anchor', 'middle');
    else label.attr('transform', `translate(${x},${top - 6}) rotate(-40)`).attr('text-anchor', 'start');
  });

  const best = grid.fields.map((_, j) => grid.cells.reduce((b, row) => Math.max(b, iaRatio(row[j])), 0));
  const rows = [
    ...grid.cells.map((row) =>
      row.map((f) => ({
        ratio: iaRatio(f),
        small: fieldStatus(f) === 'small',
        title: `${f.name}: IA ${fmt.exact(f.information_abundance)} of K=${f.dim}, ${f.rows} rows`,
      })),
    ),
    best.map((ratio, j) => ({
      ratio,
      small: grid.cells.every((row) => fieldStatus(row[j]) === 'small'),
      title: `${grid.fields[j]}: best set IA/K ${fmt.ratio(ratio)}`,
    })),
  ];
  rows.forEach((row, i) => {
    const y = top + i * cellH + (i === rows.length - 1 ? 6 : 0);
    const g = root
      .append('g')
      .attr('class', i === rows.length - 1 ? 'matrix-best' : 'matrix-row')
      .attr('data-set', rowLabels[i]);
    g.append('text')
      .attr('x', left - 8)
      .attr('y', y + cellH / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('font-size', LABEL_SIZE)
      .attr('fill', i === rows.length - 1 ? MUTED : INK)
      .text(shortenName(rowLabels[i], MAX_LABEL));
    row.forEach((cell, j) => {
      const fill = cell.small ? '#e5e7eb' : ratioColor(cell.ratio);
      const cg = g.append('g').attr('class', 'matrix-cell').attr('data-ratio', cell.ratio);
      cg.append('rect')
        .attr('x', left + j * cellW + 1)
        .attr('y', y + 1)
        .attr('width', Math.max(1, cellW - 2))
        .attr('height', cellH - 2)
        .attr('fill', fill)
        .attr('stroke', !cell.small && cell.ratio < COLLAPSED_BELOW ? INK : 'none')
        .attr('stroke-width', 1.5);
      if (cellW >= 30) {
        cg.append('text')
          .attr('x', left + (j + 0.5) * cellW)
          .attr('y', y + cellH / 2)
          .attr('dy', '0.35em')
          .attr('text-anchor', 'middle')
          .attr('font-size', TICK_SIZE)
          .attr('fill', inkOn(fill))
          .attr('font-variant-numeric', 'tabular-nums')
          .text(fmt.ratio(cell.ratio));
      }
      cg.append('title').text(cell.title);
    });
  });
  root
    .append('line')
    .attr('x1', left)
    .attr('x2', left + plotW)
    .attr('y1', top + grid.sets.length * cellH + 3)
    .attr('y2', top + grid.sets.length * cellH + 3)
    .attr('stroke', GRID);
  root
    .append('text')
    .attr('x', 12)
    .attr('y', height - 10)
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text(fitText(`Outlined: IA/K < ${COLLAPSED_BELOW}; grey: rows < K; red to blue: IA/K 0 to 1.`, TICK_SIZE, opts.width - 24));
  return root.node()!;
}
