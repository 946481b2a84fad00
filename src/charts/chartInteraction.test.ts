// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { addMatrixTooltip, renderInteractionMatrix } from './interactionMatrix.ts';
import { interactiveLineChart } from './metricLines.ts';

/** ChartFigure keeps one svg on the page and moves each new render's children into it. */
function mountMoved(rendered: SVGSVGElement): SVGSVGElement {
  const page = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.append(page);
  page.replaceChildren(...rendered.childNodes);
  return page;
}

describe('interaction layered on a mounted chart', () => {
  it('the matrix tooltip shows in the svg the cells were moved into', () => {
    const m = {
      fields: ['user', 'item'],
      rawIa: [2, 1],
      ia: [
        [2, 1.5],
        [1.25, 1],
      ],
      dim: 4,
    };
    const page = mountMoved(addMatrixTooltip(renderInteractionMatrix(m, { width: 400 }), m));
    page.querySelectorAll('rect.matrix-cell')[1].dispatchEvent(new Event('mouseenter'));
    const tip = page.querySelector('g.chart-tooltip');
    expect(tip?.getAttribute('visibility')).toBe('visible');
    expect(tip?.textContent).toContain('seen by');
  });
  it('hovering a legend entry emphasises its line and dims the others', () => {
    const series = Array.from({ length: 8 }, (_, i) => ({
      label: `field_${i}`,
      points: [
        { x: 0, y: i },
        { x: 1, y: i + 1 },
      ],
    }));
    const page = mountMoved(interactiveLineChart(series, { width: 600, title: 'IA', xLabel: 'step', yLabel: 'IA' }));
    page.querySelectorAll('g.legend-item')[3].dispatchEvent(new Event('mouseenter'));
    const opacity = [...page.querySelectorAll('g.series')].map((g) => g.getAttribute('opacity'));
    expect(opacity.filter((o) => o === '1')).toHaveLength(1);
    expect([...page.querySelectorAll('g.series')].at(-1)?.getAttribute('data-label')).toBe('field_3');
    page.querySelectorAll('g.legend-item')[3].dispatchEvent(new Event('mouseleave'));
    expect([...page.querySelectorAll('g.series')].every((g) => g.getAttribute('opacity') === '1')).toBe(true);
  });
});
