import * as d3 from 'd3';
import { swatchLegend } from './chartLegend.ts';
import { leftGridAxis, verticalAxisTitle } from './chartAxes.ts';
import { INK, LABEL_SIZE, MUTED, SERIES_COLORS, TICK_SIZE, createSvg, fmt, inkOn, textWidth } from './chartStyle.ts';

export interface LayerDominance {
  layer: string;
  /** Per task, the mean rAU over the layer's parameters. */
  meanRau: readonly number[];
  /** Per task, the share of parameters where the task's rAU is the largest. */
  argmaxShare: readonly number[];
}

export interface DominanceArm {
  /** "Adam", "AdaTask", ... */
  label: string;
  layers: readonly LayerDominance[];
}

export interface StackSegment {
  task: number;
  y0: number;
  y1: number;
  value: number;
}

/** Mean rAU per task stacked from 0; NaN shares (a layer nobody moved yet) count as 0. */
export function stackShares(shares: readonly number[]): StackSegment[] {
  let y = 0;
  return shares.map((v, task) => {
    const value = Number.isFinite(v) ? v : 0;
    const seg = { task, y0: y, y1: y + value, value };
    y += value;
    return seg;
  });
}

/** Per shared layer, one stacked bar per optimiser of the mean rAU of each task; dashed line at 1/T. */
export function renderDominanceBars(tasks: readonly string[], arms: readonly DominanceArm[], width: number): SVGSVGElement {
  const layers = arms[0]?.layers.map((l) => l.layer) ?? [];
  const T = tasks.length;
  const x0 = d3
    .scaleBand<string>()
    .domain(layers)
    .range([48, width - 16])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  const x1 = d3
    .scaleBand<string>()
    .domain(arms.map((a) => a.label))
    .range([0, x0.bandwidth()])
    .padding(0.12);
  // Optimiser names wider than their bars (a phone) sit on two staggered rows instead of overlapping.
  const staggerH = arms.some((a) => textWidth(a.label, TICK_SIZE) + 4 > x1.step()) ? 12 : 0;
  const margin = { top: 56, right: 16, bottom: 54 + staggerH, left: 48 };
  const height = 300 + staggerH;
  const describe = arms
    .map((a) => `${a.label}: ${a.layers.map((l) => `${l.layer} ${l.meanRau.map((v, k) => `${tasks[k]} ${fmt.value(v)}`).join(', ')}`).join('; ')}`)
    .join('. ');
  const root = createSvg(width, height, 'Task dominance per shared layer (mean rAU)', describe || 'No steps yet.');
  const legendW = swatchLegend(
    root,
    12,
    34,
    tasks.map((t, k) => ({ label: t, color: SERIES_COLORS[k % SERIES_COLORS.length] })),
  );
  // The balance line is named in the legend row, where no bar can sit under its label.
  const balanced = T > 0 ? `1/T = ${fmt.value(1 / T)} (balanced)` : '';
  if (T > 0) {
    const key = root
      .append('g')
      .attr('class', 'balance-key')
      .attr('transform', `translate(${12 + legendW},34)`);
    key.append('line').attr('x1', 0).attr('x2', 22).attr('y1', 5.5).attr('y2', 5.5).attr('stroke', INK).attr('stroke-dasharray', '5 4');
    key.append('text').attr('x', 27).attr('y', 9.5).attr('font-size', TICK_SIZE).attr('fill', MUTED).text(balanced);
  }
  const plotH = height - margin.top - margin.bottom;
  const y = d3
    .scaleLinear()
    .domain([0, 1])
    .range([margin.top + plotH, margin.top]);
  leftGridAxis(root, y, margin.left, width - margin.left - margin.right);
  verticalAxisTitle(root, 'mean rAU', 14, margin.top + plotH / 2);

  for (const [armIndex, arm] of arms.entries()) {
    for (const l of arm.layers) {
      const g = root
        .append('g')
        .attr('class', 'dominance-bar')
        .attr('data-layer', l.layer)
        .attr('data-arm', arm.label)
        .attr('transform', `translate(${(x0(l.layer) ?? 0) + (x1(arm.label) ?? 0)},0)`);
      for (const s of stackShares(l.meanRau)) {
        g.append('rect')
          .attr('class', 'dominance-segment')
          .attr('data-task', tasks[s.task])
          .attr('data-value', s.value)
          .attr('y', y(s.y1))
          .attr('height', Math.max(0, y(s.y0) - y(s.y1)))
          .attr('width', x1.bandwidth())
          .attr('fill', SERIES_COLORS[s.task % SERIES_COLORS.length])
          .append('title')
          .text(`${l.layer}, ${arm.label}: ${tasks[s.task]} mean rAU ${fmt.precise(s.value)}, argmax share ${d3.format('.0%')(l.argmaxShare[s.task] ?? NaN)}`);
      }
      const first = l.meanRau[0];
      if (x1.bandwidth() > 26 && Number.isFinite(first) && y(0) - y(first) > 14) {
        g.append('text')
          .attr('x', x1.bandwidth() / 2)
          .attr('y', y(first / 2))
          .attr('dy', '0.35em')
          .attr('text-anchor', 'middle')
          .attr('font-size', TICK_SIZE)
          .attr('class', 'on-mark')
          .attr('fill', inkOn(SERIES_COLORS[0]))
          .text(fmt.value(first));
      }
      g.append('text')
        .attr('x', x1.bandwidth() / 2)
        .attr('y', margin.top + plotH + 14 + (armIndex % 2 === 1 ? staggerH : 0))
        .attr('text-anchor', 'middle')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(arm.label);
    }
  }
  for (const layer of layers) {
    root
      .append('text')
      .attr('x', (x0(layer) ?? 0) + x0.bandwidth() / 2)
      .attr('y', margin.top + plotH + 32 + staggerH)
      .attr('text-anchor', 'middle')
      .attr('font-size', LABEL_SIZE)
      .attr('font-weight', 600)
      .text(layer);
  }
  if (T > 0) {
    root
      .append('line')
      .attr('class', 'balance-line')
      .attr('x1', margin.left)
      .attr('x2', width - margin.right)
      .attr('y1', y(1 / T))
      .attr('y2', y(1 / T))
      .attr('stroke', INK)
      .attr('stroke-dasharray', '5 4')
      .append('title')
      .text(balanced);
  }
  return root.node()!;
}
