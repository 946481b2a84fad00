import { describe, expect, it } from 'vitest';
import { divergingColor } from './chartLegend.ts';
import { inkOn } from './chartStyle.ts';
import { matrixGrid } from './cosineMatrix.ts';
import { stackedBins } from './distanceHistogram.ts';
import { stackShares } from './dominanceBars.ts';
import { heatmapColumns, rowMean } from './entanglementHeatmap.ts';
import { countColor, jointLayout } from './jointHistogram.ts';
import { histogramShares } from './rauHistogram.ts';
import { rauLines } from './rauLines.ts';

describe('multi-task chart helpers', () => {
  it('stacks rAU shares from 0 to their sum, NaN as 0', () => {
    expect(stackShares([0.7, 0.3]).map((s) => [s.y0, s.y1])).toEqual([
      [0, 0.7],
      [0.7, 1],
    ]);
    expect(stackShares([NaN, NaN]).at(-1)?.y1).toBe(0);
  });

  it('centres the diverging scale at 0 (white) and keeps text readable on dark cells', () => {
    expect(divergingColor(0)).toBe(divergingColor(-0));
    const channels = divergingColor(0).match(/\d+/g)?.map(Number) ?? [];
    expect(Math.min(...channels)).toBeGreaterThan(230);
    expect(divergingColor(1)).not.toBe(divergingColor(-1));
    expect(divergingColor(5)).toBe(divergingColor(1));
    expect(divergingColor(NaN)).toBe('#d0d7de');
    expect(inkOn(divergingColor(0.95))).toBe('#ffffff');
    expect(inkOn(divergingColor(0.1))).not.toBe('#ffffff');
  });

  it('lays cosine panels in rows that fit the width', () => {
    const g = matrixGrid(6, 2, 600, 40);
    expect(g.columns * g.panelW).toBeLessThanOrEqual(600 - 24);
    expect(g.rows).toBe(Math.ceil(6 / g.columns));
    expect(g.cell).toBeGreaterThanOrEqual(18);
    expect(matrixGrid(6, 2, 2000, 40).columns).toBe(6);
  });

  it('thins step labels of a wide heatmap and averages finite cosines per field', () => {
    expect(heatmapColumns(10, 500)).toEqual({ width: 50, labelEvery: 1 });
    expect(heatmapColumns(200, 500).labelEvery).toBeGreaterThan(10);
    const cols = [
      { step: 1, cosine: [0.5, NaN] },
      { step: 2, cosine: [-0.1, NaN] },
    ];
    expect(rowMean(cols, 0)).toBeCloseTo(0.2, 12);
    expect(rowMean(cols, 1)).toBeNaN();
  });

  it('stacks other pairs above conflict pairs per bin', () => {
    const bins = stackedBins({ edges: [0, 1, 2], conflict: [2, 0], other: [3, 4], band: ['bottom', 'top'] });
    expect(bins).toEqual([
      { x0: 0, x1: 1, band: 'bottom', conflict: 2, total: 5 },
      { x0: 1, x1: 2, band: 'top', conflict: 0, total: 4 },
    ]);
  });

  it('normalises histograms, builds one rAU line per optimiser and task, and colours counts', () => {
    expect(histogramShares([1, 3])).toEqual([0.25, 0.75]);
    expect(histogramShares([0, 0])).toEqual([0, 0]);
    const lines = rauLines(
      [
        {
          label: 'Adam',
          points: [
            { step: 5, meanRau: [0.8, 0.2] },
            { step: 10, meanRau: [NaN, NaN] },
          ],
        },
        { label: 'AdaTask', points: [] },
      ],
      ['click', 'like'],
    );
    expect(lines.map((l) => [l.key, l.track, l.points.length])).toEqual([
      ['Adam · click', 0, 1],
      ['Adam · like', 0, 1],
      ['AdaTask · click', 1, 0],
      ['AdaTask · like', 1, 0],
    ]);
    expect(countColor(0, 10)).toBe('#ffffff');
    expect(countColor(10, 10)).not.toBe(countColor(1, 10));
    const j = jointLayout(5, 1000);
    expect(j.columns * (j.side + 64)).toBeLessThanOrEqual(1000);
  });
});
