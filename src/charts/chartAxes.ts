import * as d3 from 'd3';
import { GRID, LABEL_SIZE, styleAxis, type SvgRoot } from './chartStyle.ts';

type Group = d3.Selection<SVGGElement, unknown, null, undefined>;

/** styleAxis for an axis whose ticks run across the plot: its tick lines become light grid lines. */
export function styleGridAxis(g: Group): void {
  styleAxis(g);
  g.selectAll('.tick line').attr('stroke', GRID);
}

/** A left axis at x with five ticks, each drawn as a grid line `gridWidth` across the plot. */
export function leftGridAxis(root: SvgRoot, y: d3.AxisScale<d3.NumberValue>, x: number, gridWidth: number): Group {
  const axis = root.append('g').attr('transform', `translate(${x},0)`).call(d3.axisLeft(y).ticks(5).tickSize(-gridWidth));
  styleGridAxis(axis);
  return axis;
}

/** An axis title centred on (x, y); `fill` is set only where a chart always set it, so its SVG stays the same. */
export function axisTitle(root: SvgRoot, text: string, x: number, y: number, fill?: string) {
  const title = root.append('text').attr('x', x).attr('y', y).attr('text-anchor', 'middle').attr('font-size', LABEL_SIZE);
  if (fill) title.attr('fill', fill);
  return title.text(text);
}

/** A y axis title read bottom to top, centred on (x, centerY); `fill` as in axisTitle. */
export function verticalAxisTitle(root: SvgRoot, text: string, x: number, centerY: number, fill?: string) {
  const title = root.append('text').attr('transform', `translate(${x},${centerY}) rotate(-90)`).attr('text-anchor', 'middle').attr('font-size', LABEL_SIZE);
  if (fill) title.attr('fill', fill);
  return title.text(text);
}

/** Right-aligned labels in the margin left of a band chart, one per row group, ending at x and centred on the band. */
export function rowLabels<GElement extends d3.BaseType, Datum, PElement extends d3.BaseType>(
  rows: d3.Selection<GElement, Datum, PElement, unknown>,
  labels: readonly string[],
  x: number,
  bandHeight: number,
) {
  return rows
    .append('text')
    .attr('class', 'row-label')
    .attr('x', x)
    .attr('y', bandHeight / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('font-size', LABEL_SIZE)
    .text((_, i) => labels[i]);
}
