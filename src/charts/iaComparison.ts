import * as d3 from 'd3';
import { axisTitle, styleGridAxis } from './chartAxes.ts';
import { distinctLabels } from './chartLegend.ts';
import { LABEL_SIZE, MUTED, SERIES_COLORS, TICK_SIZE, createSvg, fmt, shortenName, textWidth } from './chartStyle.ts';
import { iaRatio, type FieldSpectrum } from '../analysis/collapseVerdict.ts';

export interface ComparedTable {
  label: string;
  fields: readonly FieldSpectrum[];
}

export interface ComparisonRow {
  field: string;
  /** One entry per table, null where the table lacks the field. */
  values: (FieldSpectrum | null)[];
}

/** Field names present in at least two tables, in the order of the first table that has them. */
export function sharedFieldRows(tables: readonly ComparedTable[]): ComparisonRow[] {
  const counts = new Map<string, number>();
  tables.forEach((t) => new Set(t.fields.map((f) => f.name)).forEach((n) => counts.set(n, (counts.get(n) ?? 0) + 1)));
  const names: string[] = [];
  tables.forEach((t) =>
    t.fields.forEach((f) => {
      if ((counts.get(f.name) ?? 0) >= 2 && !names.includes(f.name)) names.push(f.name);
    }),
  );
  return names.map((field) => ({ field, values: tables.map((t) => t.fields.find((f) => f.name === field) ?? null) }));
}

/** The tables that draw a bar: those holding a field another table also holds. The rest share nothing. */
export function tablesWithBars(tables: readonly ComparedTable[]): ComparedTable[] {
  const shared = new Set(sharedFieldRows(tables).map((r) => r.field));
  return tables.filter((t) => t.fields.some((f) => shared.has(f.name)));
}

/**
 * Grouped bars of IA/K (so tables of different K compare) for the fields that tables share. A table
 * that shares no field has no bar, so it has no legend entry or bar slot either.
 */
export function renderIAComparison(allTables: readonly ComparedTable[], opts: { width: number; title?: string }): SVGSVGElement {
  const tables = tablesWithBars(allTables);
  const rows = sharedFieldRows(tables);
  const barH = 15;
  const groupH = tables.length * barH + 12;
  const labels = rows.map((r) => shortenName(r.field, 30));
  const legendLabels = distinctLabels(
    tables.map((t) => t.label),
    40,
  );
  const entryW = Math.max(...legendLabels.map((l) => textWidth(l, TICK_SIZE) + 36));
  const legendCols = Math.max(1, Math.min(tables.length, Math.floor((opts.width - 24) / entryW)));
  const margin = {
    top: 44 + 18 * Math.ceil(tables.length / legendCols),
    right: 64,
    bottom: 48,
    left: Math.ceil(Math.max(60, ...labels.map((l) => textWidth(l, LABEL_SIZE))) + 16),
  };
  const width = opts.width;
  const height = margin.top + Math.max(1, rows.length) * groupH + margin.bottom;
  const description =
    rows.length === 0
      ? 'The loaded tables share no field names.'
      : rows.map((r) => `${r.field}: ${r.values.map((v, i) => `${tables[i].label} ${v ? fmt.ratio(iaRatio(v)) : 'n/a'}`).join(', ')}`).join('; ');
  const root = createSvg(width, height, opts.title ?? 'IA/K of shared fields across tables', description);
  const plotW = Math.max(40, width - margin.left - margin.right);

  const x = d3
    .scaleLinear()
    .domain([0, 1])
    .range([margin.left, margin.left + plotW]);
  const y = d3
    .scaleBand<string>()
    .domain(rows.map((r) => r.field))
    .range([margin.top, margin.top + rows.length * groupH]);
  const axis = root
    .append('g')
    .attr('transform', `translate(0,${margin.top + rows.length * groupH})`)
    .call(
      d3
        .axisBottom(x)
        .ticks(5)
        .tickSize(-rows.length * groupH)
        .tickSizeOuter(0),
    );
  styleGridAxis(axis);
  axisTitle(root, 'IA / K  (fraction of the embedding dimension in use)', margin.left + plotW / 2, height - 10);

  const legend = root.append('g').attr('transform', 'translate(12,36)').attr('font-size', TICK_SIZE);
  tables.forEach((_, i) => {
    const g = legend.append('g').attr('transform', `translate(${(i % legendCols) * entryW},${Math.floor(i / legendCols) * 18})`);
    g.append('rect')
      .attr('width', 11)
      .attr('height', 11)
      .attr('rx', 2)
      .attr('fill', SERIES_COLORS[i % SERIES_COLORS.length]);
    g.append('text').attr('x', 16).attr('y', 9.5).attr('fill', MUTED).text(legendLabels[i]).append('title').text(tables[i].label);
  });

  const groups = root
    .append('g')
    .selectAll('g')
    .data(rows)
    .join('g')
    .attr('transform', (r) => `translate(0,${y(r.field)! + 6})`);
  groups
    .append('text')
    .attr('x', margin.left - 8)
    .attr('y', (tables.length * barH) / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .attr('font-size', LABEL_SIZE)
    .text((_, i) => labels[i]);
  groups.each(function (r) {
    const g = d3.select(this);
    r.values.forEach((v, i) => {
      if (!v) return;
      const ratio = iaRatio(v);
      g.append('rect')
        .attr('x', x(0))
        .attr('y', i * barH)
        .attr('width', Math.max(1, x(ratio) - x(0)))
        .attr('height', barH - 2)
        .attr('fill', SERIES_COLORS[i % SERIES_COLORS.length])
        .append('title')
        .text(`${tables[i].label} · ${r.field}: IA ${fmt.exact(v.information_abundance)} of ${v.dim} (IA/K ${fmt.exact(ratio)})`);
      g.append('text')
        .attr('x', x(ratio) + 4)
        .attr('y', i * barH + (barH - 2) / 2)
        .attr('dy', '0.35em')
        .attr('font-size', TICK_SIZE)
        .attr('fill', MUTED)
        .text(fmt.ratio(ratio));
    });
  });
  return root.node()!;
}
