import { describe, expect, it } from 'vitest';
import type { FieldSpectrum } from '../analysis/collapseVerdict.ts';
import { fieldStatus, sortFields, summarizeCollapse } from '../analysis/collapseVerdict.ts';
import { heatmapDescription, heatmapLayout } from './spectrumHeatmap.ts';
import { sharedFieldRows } from './iaComparison.ts';
import { logFloor } from './spectrumCurves.ts';
import { decadeLabel } from '../contracts/numberFormat.ts';
import { shortenName, spectrumColor } from './chartStyle.ts';

const field = (name: string, rows: number, ia: number, dim = 32): FieldSpectrum => ({
  name,
  rows,
  dim,
  normalized_spectrum: new Array(dim).fill(0.5),
  information_abundance: ia,
  effective_rank: ia,
});

describe('field order and summary', () => {
  const fields = [field('big', 4000, 3), field('tiny', 2, 1.7), field('mid', 150, 20)];
  it('sorts by cardinality or IA ascending', () => {
    expect(sortFields(fields, 'cardinality').map((f) => f.name)).toEqual(['tiny', 'mid', 'big']);
    expect(sortFields(fields, 'ia').map((f) => f.name)).toEqual(['tiny', 'big', 'mid']);
  });
  it('counts collapsed fields, not fields too small to fill K', () => {
    expect(fields.map(fieldStatus)).toEqual(['collapsed', 'small', 'healthy']);
    const s = summarizeCollapse(fields);
    expect(s).toMatchObject({ collapsed: 1, small: 1, total: 3 });
    expect(s.worst?.name).toBe('big'); // 'tiny' has fewer rows than K
    expect(summarizeCollapse([field('tiny', 2, 1.7)]).worst?.name).toBe('tiny');
  });
  it('an all-zero field has no spectrum (IA 0): counted apart, never as the worst collapse', () => {
    const withZero = [...fields, field('padding', 500, 0)];
    expect(fieldStatus(withZero[3])).toBe('zero');
    expect(summarizeCollapse(withZero)).toMatchObject({ collapsed: 1, small: 1, zero: 1, total: 4, worst: { name: 'big' } });
    expect(summarizeCollapse([field('padding', 500, 0)])).toMatchObject({ zero: 1, collapsed: 0, worst: undefined });
  });
});

describe('heatmap layout', () => {
  it('grows with the field count so 40 labels never overlap', () => {
    const few = heatmapLayout([field('a', 10, 2)], 600);
    const many = heatmapLayout(
      Array.from({ length: 40 }, (_, i) => field(`f${i}`, i + 1, 2)),
      600,
    );
    expect(many.height).toBeGreaterThan(few.height);
    expect(many.rowHeight).toBeGreaterThanOrEqual(14); // > 12px label font
    expect(many.columns).toBe(32);
  });
  it('leaves room for the longest label', () => {
    const l = heatmapLayout([field('a_rather_long_field_name', 123456, 2)], 600);
    expect(l.labels[0]).toBe('a_rather_long_field_name (123,456)');
    expect(l.margin.left).toBeGreaterThan(l.labels[0].length * 6);
  });
  it('shortens labels on a phone-width card so the cells keep room', () => {
    const l = heatmapLayout([field('embedding.embedding.weight', 229, 2)], 330);
    const plotW = l.width - l.margin.left - l.margin.right;
    expect(plotW).toBeGreaterThanOrEqual(110);
    expect(l.labels[0]).toMatch(/^….*weight \(229\)$/);
    // A wide card keeps the whole name.
    expect(heatmapLayout([field('embedding.embedding.weight', 229, 2)], 900).labels[0]).toBe('embedding.embedding.weight (229)');
  });
  it('describes the extremes in words', () => {
    expect(heatmapDescription([field('a', 100, 2), field('b', 100, 20)])).toMatch(/Most collapsed: a, IA 2.00 of 32.*Least collapsed: b/);
  });
  it('uses a fixed scale that is white at 0', () => {
    expect(spectrumColor(0)).toBe('rgb(255, 255, 255)');
    expect(spectrumColor(1)).not.toBe(spectrumColor(0.5));
  });
});

describe('comparison and curves helpers', () => {
  it('keeps the field names shared by at least two tables', () => {
    const rows = sharedFieldRows([
      { label: 'A', fields: [field('x', 10, 2), field('y', 10, 2)] },
      { label: 'B', fields: [field('y', 10, 3)] },
      { label: 'C', fields: [field('z', 10, 3), field('x', 10, 4)] },
    ]);
    expect(rows.map((r) => r.field)).toEqual(['x', 'y']);
    expect(rows[0].values.map((v) => v?.information_abundance ?? null)).toEqual([2, null, 4]);
  });
  it('puts the log axis floor at the decade below the smallest positive value', () => {
    expect(logFloor([{ key: 'k', label: 'l', color: '#000', values: [1, 0.03, 0] }])).toBeCloseTo(0.01);
    expect(logFloor([])).toBe(1e-3);
  });
  it('labels decades as powers of ten', () => {
    expect([1, 0.1, 1e-8, 1e-12].map(decadeLabel)).toEqual(['1', '10⁻¹', '10⁻⁸', '10⁻¹²']);
  });
});

describe('shortenName', () => {
  it('keeps the end of a long dotted path, where checkpoint names differ', () => {
    expect(shortenName('model_state_dict.item_embedding.weight', 30)).toBe('…item_embedding.weight');
    expect(shortenName('user', 30)).toBe('user');
    const long = 'a_very_long_field_name_without_any_dots_at_all';
    const short = shortenName(long, 20);
    expect(short).toHaveLength(20);
    expect(short.startsWith('a_very')).toBe(true);
    expect(short.endsWith('at_all')).toBe(true);
  });
});
