import * as d3 from 'd3';
import { modelName } from '../contracts/modelNames.ts';
import { swatchLegend } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, TICK_SIZE, createSvg, fitText, styleAxis, textWidth } from './chartStyle.ts';

type Band = 'bottom' | 'middle' | 'top';

/** Pair counts per distance bin: edges has one more entry than the counts. */
export interface DistanceHistogram {
  edges: readonly number[];
  conflict: readonly number[];
  other: readonly number[];
  band: readonly Band[];
}

/** One model's distances of the frequent test pairs under task A's and task B's table. */
export interface ModelDistances {
  /** The model kind ('stem', 'single-task', ...), shown by its display name. */
  name: string;
  /** Tables read for task A and B ('shared' twice for a shared embedding). */
  tables: readonly [string, string];
  histogramA: DistanceHistogram;
  histogramB: DistanceHistogram;
  /** Joint histogram over conflict pairs of (distance under A's table, under B's); counts row-major, row = B's bin. */
  joint: { xEdges: readonly number[]; yEdges: readonly number[]; bins: number; counts: readonly number[] };
  /** Share of conflict pairs placed far for A and near for B. */
  separated: number;
}

/** Colour-blind-safe band colours: bottom 40 % blue, middle 20 % grey, top 40 % orange. */
export const BAND_COLORS: Record<Band, string> = { bottom: '#2c7bb6', middle: '#9a9a9a', top: '#e66101' };
const BAND_LABELS: Record<Band, string> = { bottom: 'bottom 40 %', middle: 'middle 20 %', top: 'top 40 %' };

export interface StackedBin {
  x0: number;
  x1: number;
  band: Band;
  /** Conflict pairs from 0 to conflict, the other pairs stacked above up to total. */
  conflict: number;
  total: number;
}

export function stackedBins(h: DistanceHistogram): StackedBin[] {
  return h.conflict.map((c, b) => ({ x0: h.edges[b], x1: h.edges[b + 1], band: h.band[b], conflict: c, total: c + h.other[b] }));
}

/**
 * RecScope's conflict-pair histograms: per model (rows) the distance of each frequent test pair
 * under task A's and task B's table (columns), 39 bins, conflict pairs solid and the rest hatched
 * on top, coloured by the percentile band of the bin.
 */
export function renderDistanceHistograms(tasks: readonly [string, string], models: readonly ModelDistances[], width: number): SVGSVGElement {
  const panelH = 112;
  const legendItems = (Object.keys(BAND_COLORS) as Band[]).map((b) => ({ label: BAND_LABELS[b], color: BAND_COLORS[b] }));
  const conflictNote = 'solid = conflict pairs';
  const legendW = legendItems.reduce((w, item) => w + 29 + textWidth(item.label, TICK_SIZE), 0);
  // A phone-width figure puts the hatched key and the note on a second legend row.
  const legendRows = legendW + 29 + textWidth('other pairs (hatched)', TICK_SIZE) + textWidth(conflictNote, TICK_SIZE) > width - 24 ? 2 : 1;
  const top = 62 + (legendRows - 1) * 18;
  // Left to right: the model's name and share, the rotated y label, the tick labels, the panel.
  const nameW = Math.ceil(Math.max(...models.map((m) => textWidth(modelName(m.name), LABEL_SIZE)), textWidth('separated 100.0 %', TICK_SIZE))) + 12;
  const axisRoom = 18 + 34;
  const gap = axisRoom + 12;
  // A narrow figure (a phone) names each model on a line above its panels, not in a column beside them.
  const nameAbove = (width - 12 - nameW - axisRoom - 16 - gap) / 2 < 100;
  const labelW = nameAbove ? axisRoom + 4 : 12 + nameW + axisRoom;
  const nameRow = nameAbove ? 18 : 0;
  const rowH = panelH + 30 + nameRow;
  const height = top + models.length * rowH + 26;
  const root = createSvg(
    width,
    height,
    'Distances of frequent test pairs, conflict pairs solid',
    models.map((m) => `${modelName(m.name)} (${m.tables.join(' / ')}): separates ${d3.format('.1%')(m.separated)} of conflict pairs`).join('; ') ||
      'Not measured yet.',
  );
  const suffix = Math.random().toString(36).slice(2, 9);
  const defs = root.append('defs');
  for (const band of Object.keys(BAND_COLORS) as Band[]) {
    const p = defs
      .append('pattern')
      .attr('id', `hatch-${band}-${suffix}`)
      .attr('width', 5)
      .attr('height', 5)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('patternTransform', 'rotate(45)');
    p.append('rect').attr('width', 5).attr('height', 5).attr('fill', BAND_COLORS[band]).attr('fill-opacity', 0.15);
    p.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 5).attr('stroke', BAND_COLORS[band]).attr('stroke-width', 2);
  }
  const hatchedKey = { label: 'other pairs (hatched)', color: '#ffffff', hatched: `url(#hatch-middle-${suffix})` };
  const noteY = 34 + (legendRows - 1) * 18;
  let w: number;
  if (legendRows === 1) w = swatchLegend(root, 12, 34, [...legendItems, hatchedKey]);
  else {
    swatchLegend(root, 12, 34, legendItems);
    w = swatchLegend(root, 12, noteY, [hatchedKey]);
  }
  root
    .append('text')
    .attr('x', 12 + w)
    .attr('y', noteY + 9.5)
    .attr('font-size', TICK_SIZE)
    .attr('fill', MUTED)
    .text(conflictNote);
  const panelW = (width - labelW - 16 - gap) / 2;
  models.forEach((m, r) => {
    const y0 = top + r * rowH + nameRow;
    const name = modelName(m.name);
    root
      .append('text')
      .attr('x', 12)
      .attr('y', nameAbove ? y0 - 6 : y0 + panelH / 2 - 6)
      .attr('font-size', LABEL_SIZE)
      .attr('font-weight', 600)
      .text(name);
    root
      .append('text')
      // Bold text runs wider than textWidth's estimate.
      .attr('x', nameAbove ? 12 + 1.1 * textWidth(name, LABEL_SIZE) + 10 : 12)
      .attr('y', nameAbove ? y0 - 6 : y0 + panelH / 2 + 10)
      .attr('font-size', TICK_SIZE)
      .attr('fill', MUTED)
      .text(`separated ${Number.isFinite(m.separated) ? d3.format('.1%')(m.separated) : '–'}`);
    [m.histogramA, m.histogramB].forEach((h, c) => {
      const left = labelW + c * (panelW + gap);
      const bins = stackedBins(h);
      const x = d3
        .scaleLinear()
        .domain([h.edges[0], h.edges[h.edges.length - 1] || 1])
        .range([left, left + panelW]);
      const y = d3
        .scaleLinear()
        .domain([0, Math.max(1, ...bins.map((b) => b.total))])
        .nice()
        .range([y0 + panelH, y0 + 16]);
      const g = root.append('g').attr('class', 'distance-panel').attr('data-model', m.name).attr('data-task', tasks[c]).attr('data-table', m.tables[c]);
      g.append('text')
        .attr('x', left)
        .attr('y', y0 + 10)
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(fitText(`${tasks[c]}: ${m.tables[c]} table`, TICK_SIZE, panelW));
      for (const b of bins) {
        const bx = x(b.x0) + 0.5;
        const bw = Math.max(0.5, x(b.x1) - x(b.x0) - 1);
        g.append('rect')
          .attr('class', 'bin-conflict')
          .attr('x', bx)
          .attr('width', bw)
          .attr('y', y(b.conflict))
          .attr('height', y(0) - y(b.conflict))
          .attr('fill', BAND_COLORS[b.band]);
        g.append('rect')
          .attr('class', 'bin-other')
          .attr('x', bx)
          .attr('width', bw)
          .attr('y', y(b.total))
          .attr('height', y(b.conflict) - y(b.total))
          .attr('fill', `url(#hatch-${b.band}-${suffix})`)
          .append('title')
          .text(
            `distance ${d3.format('.3f')(b.x0)}–${d3.format('.3f')(b.x1)} (${BAND_LABELS[b.band]}): ${b.conflict} conflict, ${b.total - b.conflict} other pairs`,
          );
      }
      const ax = g
        .append('g')
        .attr('transform', `translate(0,${y0 + panelH})`)
        .call(spacedAxis(x, panelW));
      styleAxis(ax);
      const ay = g.append('g').attr('transform', `translate(${left},0)`).call(d3.axisLeft(y).ticks(3));
      styleAxis(ay);
      g.append('text')
        .attr('class', 'y-label')
        .attr('transform', `translate(${left - axisRoom + 10},${y0 + 16 + (panelH - 16) / 2}) rotate(-90)`)
        .attr('text-anchor', 'middle')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text('pairs');
    });
  });
  root
    .append('text')
    .attr('x', labelW + (width - labelW) / 2)
    .attr('y', height - 8)
    .attr('text-anchor', 'middle')
    .attr('font-size', LABEL_SIZE)
    .text('L2 distance between user and item embedding');
  return root.node()!;
}

/** About one tick per 70 px, thinned so that no two labels (about 36 px each) overlap in a narrow panel. */
function spacedAxis(x: d3.ScaleLinear<number, number>, panelW: number): d3.Axis<d3.NumberValue> {
  const count = Math.max(2, Math.floor(panelW / 70));
  const ticks = x.ticks(count);
  const every = Math.ceil(ticks.length / Math.max(1, Math.floor(panelW / 36)));
  return d3
    .axisBottom(x)
    .tickValues(ticks.filter((_, i) => i % every === 0))
    .tickFormat(x.tickFormat(count));
}
