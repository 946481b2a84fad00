// @vitest-environment happy-dom
/**
 * The Sequences view's charts: small fixed data in, the serialized SVG compared with a committed
 * snapshot (as chartSnapshots.test.ts does), and the marks' data checked where it could go wrong.
 */
import { describe, expect, it } from 'vitest';
import { renderCategoryConflictBars } from './categoryConflictBars.ts';
import { displayScale, panelGrid, renderCorrelationHeatmaps } from './correlationHeatmap.ts';
import { renderGradientCosineHistogram } from './gradientCosineHistogram.ts';

function serialize(svg: SVGSVGElement): string {
  return (
    svg.outerHTML
      .replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (n) => {
        const r = Number(Number(n).toFixed(2));
        return String(Object.is(r, -0) ? 0 : r);
      })
      .replace(/(blues-gradient)-[a-z0-9]+/g, '$1-ID')
      .replace(/></g, '>\n<') + '\n'
  );
}
const snapshot = (name: string, svg: SVGSVGElement) => expect(serialize(svg)).toMatchFileSnapshot(`__snapshots__/${name}.svg`);

const rows = ['c1', 'c2', 'c3'];
const truth = [0.02, 0.01, 0.004, 0.0, 0.001, 0.0, 0.003, 0.0, 0.0];
const learned = [0.9, 0.5, 0.2, 0.1, 0.3, 0.0, 0.4, 0.1, 0.05];

describe('sequence charts', () => {
  it('min-max scales a panel for display, constant and NaN safe', () => {
    expect(displayScale([2, 4, 3])).toEqual([0, 1, 0.5]);
    expect(displayScale([5, 5])).toEqual([0, 0]);
    expect(displayScale([NaN, 1, 3])).toEqual([NaN, 0, 1]);
  });

  it('lays heatmap panels side by side when wide and one a row on a phone', () => {
    expect(panelGrid(3, 10, 40, 900).columns).toBe(3);
    const phone = panelGrid(3, 10, 40, 340);
    expect(phone.columns).toBe(1);
    expect(phone.cell).toBeGreaterThanOrEqual(8);
    expect(40 + 10 * phone.cell).toBeLessThanOrEqual(340);
  });

  it('correlation heatmaps: ground truth beside a model, raw values in the cells', async () => {
    const svg = renderCorrelationHeatmaps(
      'c1',
      rows,
      3,
      [
        { label: 'ground truth', values: truth, unit: 'MI, bits' },
        { label: 'DARE', values: learned, unit: 'learned, min-max', note: 'ρ = 0.81 with the ground truth' },
      ],
      640,
    );
    const cells = svg.querySelectorAll('rect.correlation-cell');
    expect(cells).toHaveLength(18);
    expect(Number(cells[0].getAttribute('data-value'))).toBe(0.02);
    // The largest value of each panel is the darkest blue.
    expect(cells[0].getAttribute('fill')).toBe(cells[9].getAttribute('fill'));
    await snapshot('correlationHeatmaps', svg);
  });

  it('gradient cosine histogram: bars below 0 are the conflicting share', async () => {
    const edges = [-1, -0.5, 0, 0.5, 1];
    const svg = renderGradientCosineHistogram('TWIN', { edges, counts: [2, 6, 8, 4], conflictingShare: 0.4 }, 520);
    const bins = [...svg.querySelectorAll('rect.cosine-bin')];
    expect(bins.map((b) => Number(b.getAttribute('data-count')))).toEqual([2, 6, 8, 4]);
    expect(bins[0].getAttribute('fill')).not.toBe(bins[3].getAttribute('fill'));
    expect(svg.textContent).toContain('40.0 %');
    await snapshot('gradientCosineHistogram', svg);
  });

  it('per-category conflict bars start at 0', async () => {
    const svg = renderCategoryConflictBars(
      'TWIN',
      [
        { category: 'shoes', meanCosine: -0.3, rows: 40 },
        { category: 'phones', meanCosine: 0.2, rows: 12 },
        { category: 'never seen', meanCosine: NaN, rows: 0 },
      ],
      480,
    );
    const bars = [...svg.querySelectorAll('rect.category-conflict')];
    expect(bars).toHaveLength(2);
    expect(Number(bars[0].getAttribute('data-value'))).toBe(-0.3);
    await snapshot('categoryConflictBars', svg);
  });
});
