import { describe, expect, it } from 'vitest';
import type { FieldResult } from '../contracts/tables.ts';
import { iaSeries } from './iaOverSteps.ts';
import { interactionCsv, interactionLayout, rawIaOrder } from './interactionMatrix.ts';
import { lineChartLayout, seriesCsv } from './metricLines.ts';
import { scalingSeries } from './scalingChart.ts';

const field = (name: string, ia: number): FieldResult => ({ name, rows: 10, dim: 4, singular_values: [], normalized_spectrum: [], information_abundance: ia, effective_rank: ia, excluded_rows: 0 });

describe('training chart data', () => {
  it('IA over steps: one line per field with a point per snapshot', () => {
    const s = iaSeries([{ step: 0, fields: [field('a', 3), field('b', 2)] }, { step: 5, fields: [field('a', 2.5), field('b', 1.5)] }]);
    expect(s.map((x) => x.label)).toEqual(['a', 'b']);
    expect(s[1].points).toEqual([{ x: 0, y: 2 }, { x: 5, y: 1.5 }]);
  });

  it('scaling: size 1 of both variants, sorted x, AUC vs params or IA vs size', () => {
    const row = (variant: 'single' | 'multi', size: number, parameters: number, testAuc: number, meanIa: number, sd = 0) => ({ variant, size, seeds: 1, parameters, testAuc, testAucStd: sd / 10, meanIa, meanIaStd: sd });
    const rows = [row('single', 2, 200, 0.7, 5), row('single', 1, 100, 0.69, 3), row('multi', 2, 210, 0.71, 6, 0.4)];
    expect(scalingSeries(rows, 'auc-vs-params')[0].points).toEqual([{ x: 100, y: 0.69, spread: 0 }, { x: 200, y: 0.7, spread: 0 }]);
    // The sd over seeds rides along as the error bar's half-height.
    expect(scalingSeries(rows, 'ia-vs-size')[1]).toMatchObject({ label: 'multi-embedding', points: [{ x: 2, y: 6, spread: 0.4 }] });
    expect(scalingSeries(rows, 'auc-vs-params')[1].points[0].spread).toBeCloseTo(0.04, 12);
  });

  it('interaction matrix: axes sorted by raw IA, CSV in that order, cells fit the width', () => {
    const m = { fields: ['x', 'y', 'z'], rawIa: [3, 1, 2], ia: [[3, 1.5, 2], [1, 1, 1.2], [2, 1.1, 2]] };
    expect(rawIaOrder(m)).toEqual([1, 2, 0]);
    const csv = interactionCsv(m).trim().split('\n');
    expect(csv[0]).toBe('field (raw IA ascending),raw_ia,y,z,x');
    expect(csv[1]).toBe('y,1,1,1.2,1');
    const layout = interactionLayout(m, 400);
    expect(layout.left + 3 * layout.cell).toBeLessThanOrEqual(400);
  });

  it('line chart legend wraps to more rows on a narrow chart; CSV quotes labels', () => {
    const series = Array.from({ length: 6 }, (_, i) => ({ label: `field ${i}`, points: [] }));
    expect(lineChartLayout(series, 320).legendRows).toBeGreaterThan(lineChartLayout(series, 1000).legendRows);
    expect(seriesCsv([{ label: 'a,b', points: [{ x: 1, y: 2 }] }], 'step', 'loss')).toBe('series,step,loss\n"a,b",1,2\n');
    expect(seriesCsv([{ label: 'a', points: [{ x: 1, y: 2, spread: 0.5 }, { x: 2, y: 3 }] }], 'size', 'ia', 'sd')).toBe('series,size,ia,sd\na,1,2,0.5\na,2,3,0\n');
  });
});
