// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { setFieldGrid } from '../analysis/setFieldGrid.ts';
import type { AnalysisResult, FieldResult } from '../contracts/tables.ts';
import { renderSetFieldMatrix } from './setFieldMatrix.ts';
import { renderSpectrumHeatmap } from './spectrumHeatmap.ts';

const field = (name: string, rows: number, ia: number, dim = 10): FieldResult => ({
  name,
  rows,
  dim,
  singular_values: [],
  normalized_spectrum: new Array(dim).fill(0.3),
  information_abundance: ia,
  effective_rank: ia,
  excluded_rows: 0,
});

const result: AnalysisResult = {
  source: 'mdcn.pth',
  options: { mode: 'recscope', field_dims: [3, 40, 60], tensors: ['e.0.w', 'e.1.w'], sets: ['e.0', 'e.1'] },
  fields: [
    field('e.0 / a', 3, 1.5),
    field('e.0 / b', 40, 2),
    field('e.0 / c', 60, 7),
    field('e.1 / a', 3, 1.9),
    field('e.1 / b', 40, 4),
    field('e.1 / c', 60, 6),
  ],
};

describe('sets x fields', () => {
  it('lays a set-major result out as sets x fields, and nothing else', () => {
    const grid = setFieldGrid(result)!;
    expect(grid.sets).toEqual(['e.0', 'e.1']);
    expect(grid.fields).toEqual(['a', 'b', 'c']);
    expect(grid.cells[1][2].information_abundance).toBe(6);
    expect(setFieldGrid({ ...result, options: { mode: 'recscope', field_dims: [3, 40, 60] } })).toBeUndefined();
  });

  it('draws one row per set, a best-set row, and outlines only collapsed cells', () => {
    const svg = renderSetFieldMatrix(setFieldGrid(result)!, { width: 600 });
    expect(svg.querySelectorAll('.matrix-row')).toHaveLength(2);
    const best = [...svg.querySelectorAll('.matrix-best .matrix-cell')].map((c) => Number(c.getAttribute('data-ratio')));
    expect(best).toEqual([0.19, 0.4, 0.7]);
    // e.0 / b: IA/K 0.2 < 0.25 with 40 rows -> outlined; the 3-row field a is grey (rows < K), never outlined.
    const outlined = [...svg.querySelectorAll('.matrix-row .matrix-cell rect')].filter((r) => r.getAttribute('stroke') !== 'none');
    expect(outlined).toHaveLength(1);
    // The best-set row keeps field a grey too: no set can reach K with 3 rows.
    const bestRects = [...svg.querySelectorAll('.matrix-best .matrix-cell rect')];
    expect(bestRects[0].getAttribute('fill')).toBe('#e5e7eb');
    expect(bestRects[0].getAttribute('stroke')).toBe('none');
  });
});

describe('spectrum heatmap header', () => {
  it("says each row's K when the fields differ in K (an optimizer file's moments)", () => {
    const svg = renderSpectrumHeatmap([field('m1', 60, 2, 60), field('m2', 40, 3, 10)], { width: 600 });
    expect(svg.textContent).toContain('IA (K per row: 10–60)');
    expect(svg.textContent).toContain('IA 3.00 / 10');
    const same = renderSpectrumHeatmap([field('a', 60, 2), field('b', 40, 3)], { width: 600 });
    expect(same.textContent).toContain('IA (K=10)');
  });
});
