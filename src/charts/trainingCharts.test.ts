import { describe, expect, it } from 'vitest';
import type { FieldSpectrum } from '../analysis/collapseVerdict.ts';
import { iaSeries } from './iaOverSteps.ts';
import { interactionColor, interactionLayout, rawIaOrder } from './interactionMatrix.ts';
import { lineChartLayout } from './metricLines.ts';
import { scalingSeries } from './scalingChart.ts';

const field = (name: string, ia: number): FieldSpectrum => ({ name, rows: 10, dim: 4, normalized_spectrum: [], information_abundance: ia, effective_rank: ia });

describe('training chart data', () => {
  it('IA over steps: one line per field with a point per snapshot', () => {
    const s = iaSeries([
      { step: 0, fields: [field('a', 3), field('b', 2)] },
      { step: 5, fields: [field('a', 2.5), field('b', 1.5)] },
    ]);
    expect(s.map((x) => x.label)).toEqual(['a', 'b']);
    expect(s[1].points).toEqual([
      { x: 0, y: 2 },
      { x: 5, y: 1.5 },
    ]);
  });

  it('scaling: size 1 of both variants, sorted x, AUC vs params or IA vs size', () => {
    const row = (variant: 'single' | 'multi', size: number, parameters: number, testAuc: number, meanIa: number, sd = 0) => ({
      variant,
      size,
      seeds: 1,
      parameters,
      testAuc,
      testAucStd: sd / 10,
      meanIa,
      meanIaStd: sd,
    });
    const rows = [row('single', 2, 200, 0.7, 5), row('single', 1, 100, 0.69, 3), row('multi', 2, 210, 0.71, 6, 0.4)];
    expect(scalingSeries(rows, 'auc-vs-params')[0].points).toEqual([
      { x: 100, y: 0.69, spread: 0 },
      { x: 200, y: 0.7, spread: 0 },
    ]);
    // The sd over seeds rides along as the error bar's half-height.
    expect(scalingSeries(rows, 'ia-vs-size')[1]).toMatchObject({ label: 'multi-embedding', points: [{ x: 2, y: 6, spread: 0.4 }] });
    expect(scalingSeries(rows, 'auc-vs-params')[1].points[0].spread).toBeCloseTo(0.04, 12);
  });

  it('interaction matrix: axes sorted by raw IA, cells span the width, colour fixed to [1, K]', () => {
    const m = {
      fields: ['x', 'y', 'z'],
      rawIa: [3, 1, 2],
      ia: [
        [3, 1.5, 2],
        [1, 1, 1.2],
        [2, 1.1, 2],
      ],
      dim: 16,
    };
    expect(rawIaOrder(m)).toEqual([1, 2, 0]);
    const narrow = interactionLayout(m, 400);
    expect(narrow.left + 3 * narrow.cellW).toBeLessThanOrEqual(400);
    // A wide figure gets a wide matrix: the grid fills most of the 1,020 px, not 270 of them.
    const wide = interactionLayout(m, 1020);
    expect(3 * wide.cellW).toBeGreaterThan(0.8 * (1020 - wide.left));
    expect(wide.cellH).toBeLessThanOrEqual(40);
    // The same IA gets the same colour whatever else is in the matrix; the scale ends at K.
    expect(interactionColor(16)(1)).not.toBe(interactionColor(16)(16));
    expect(interactionColor(16)(40)).toBe(interactionColor(16)(16));
    expect(interactionColor(16)(3)).not.toBe(interactionColor(4)(3));
  });

  it('line chart legend wraps to more rows on a narrow chart', () => {
    const series = Array.from({ length: 6 }, (_, i) => ({ label: `field ${i}`, points: [] }));
    expect(lineChartLayout(series, 320).legendRows).toBeGreaterThan(lineChartLayout(series, 1000).legendRows);
  });
});
