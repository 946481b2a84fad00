import * as d3 from 'd3';
import { distinctLabels, swatchLegend } from './chartLegend.ts';
import { axisTitle, leftGridAxis, verticalAxisTitle } from './chartAxes.ts';
import { MUTED, SERIES_COLORS, TICK_SIZE, createSvg, fmt, styleAxis } from './chartStyle.ts';

export interface RauTrack {
  /** Optimiser label (with the run's, for an overlaid run); each track has its own dash pattern. */
  label: string;
  points: readonly { step: number; meanRau: readonly number[] }[];
}

export interface RauLine {
  key: string;
  task: number;
  /** Index of the track: solid, dashed, dotted, dash-dot. */
  track: number;
  points: [number, number][];
}

const DASHES = [null, '6 4', '1.5 3', '8 3 2 3'];
const dash = (track: number) => DASHES[track % DASHES.length];

/** One line per (optimiser, task), skipping steps where the layer had no rAU yet. */
export function rauLines(tracks: readonly RauTrack[], tasks: readonly string[]): RauLine[] {
  return tracks.flatMap((track, a) =>
    tasks.map((task, k) => ({
      key: `${track.label} · ${task}`,
      task: k,
      track: a,
      points: track.points.filter((p) => Number.isFinite(p.meanRau[k])).map((p): [number, number] => [p.step, p.meanRau[k]]),
    })),
  );
}

/** Mean rAU of one shared layer over training steps: a colour per task, a dash pattern per track (optimiser, run). */
export function renderRauLines(layer: string, tasks: readonly string[], tracks: readonly RauTrack[], width: number): SVGSVGElement {
  const lines = rauLines(tracks, tasks);
  const margin = { top: tracks.length > 2 ? 70 : 56, right: 20, bottom: 42, left: 48 };
  const height = 280;
  const last = lines.map((l) => `${l.key} ${l.points.length ? fmt.value(l.points[l.points.length - 1][1]) : 'n/a'}`).join(', ');
  const root = createSvg(width, height, `rAU over steps: ${layer}`, `Mean rAU per task of layer ${layer}; latest: ${last || 'no steps yet'}.`);
  const items = tasks.map((t, k) => ({ label: t, color: SERIES_COLORS[k % SERIES_COLORS.length] }));
  const w = swatchLegend(root, 12, 34, items);
  const styles = root
    .append('g')
    .attr('transform', `translate(${12 + w + 8},34)`)
    .attr('font-size', TICK_SIZE);
  // Track styles wrap onto a second row when an overlaid run adds two.
  const perRow = Math.max(1, Math.floor((width - 12 - w - 8) / 150));
  const trackLabels = distinctLabels(
    tracks.map((t) => t.label),
    20,
  );
  tracks.forEach((t, a) => {
    const g = styles.append('g').attr('transform', `translate(${(a % perRow) * 150},${Math.floor(a / perRow) * 14})`);
    g.append('line')
      .attr('x1', 0)
      .attr('x2', 22)
      .attr('y1', 5.5)
      .attr('y2', 5.5)
      .attr('stroke', MUTED)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', dash(a));
    g.append('text').attr('x', 27).attr('y', 9.5).attr('fill', MUTED).text(trackLabels[a]).append('title').text(t.label);
  });
  const maxStep = Math.max(1, ...lines.flatMap((l) => l.points.map((p) => p[0])));
  const x = d3
    .scaleLinear()
    .domain([0, maxStep])
    .range([margin.left, width - margin.right]);
  const y = d3
    .scaleLinear()
    .domain([0, 1])
    .range([height - margin.bottom, margin.top]);
  const ax = root
    .append('g')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))));
  styleAxis(ax);
  leftGridAxis(root, y, margin.left, width - margin.left - margin.right);
  axisTitle(root, 'training step', (margin.left + width - margin.right) / 2, height - 6);
  verticalAxisTitle(root, 'mean rAU', 14, (margin.top + height - margin.bottom) / 2);
  const path = d3
    .line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  for (const l of lines) {
    const color = SERIES_COLORS[l.task % SERIES_COLORS.length];
    root
      .append('path')
      .attr('class', 'rau-line')
      .attr('data-series', l.key)
      .attr('d', path(l.points) ?? '')
      .attr('fill', 'none')
      .attr('stroke', color)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', dash(l.track));
    if (l.points.length === 1) root.append('circle').attr('cx', x(l.points[0][0])).attr('cy', y(l.points[0][1])).attr('r', 3).attr('fill', color);
  }
  return root.node()!;
}
