// @vitest-environment happy-dom
/**
 * Observable Plot's style of chart test: small fixed plain data in, the serialized SVG compared
 * with a committed snapshot (longer decimals rounded to 2, random gradient ids normalised).
 * A changed snapshot is a changed chart: look at the .svg diff (or open the file) before
 * accepting it with `npx vitest run -u`.
 */
import { describe, expect, it } from 'vitest';
import { renderCosineMatrix } from './cosineMatrix.ts';
import { renderDistanceHistograms, type ModelDistances } from './distanceHistogram.ts';
import { renderDominanceBars } from './dominanceBars.ts';
import { renderEntanglementHeatmap } from './entanglementHeatmap.ts';
import type { FieldSpectrum } from '../analysis/collapseVerdict.ts';
import { renderIABars } from './iaBars.ts';
import { renderIAComparison } from './iaComparison.ts';
import { renderIaOverSteps } from './iaOverSteps.ts';
import { renderInteractionMatrix } from './interactionMatrix.ts';
import { renderJointHistograms } from './jointHistogram.ts';
import { renderLossCurve } from './lossCurve.ts';
import { renderLineChart } from './metricLines.ts';
import { renderRauHistogram } from './rauHistogram.ts';
import { renderRauLines } from './rauLines.ts';
import { renderScalingChart } from './scalingChart.ts';
import { renderSpectrumCurves } from './spectrumCurves.ts';
import { renderSpectrumHeatmap } from './spectrumHeatmap.ts';

function serialize(svg: SVGSVGElement): string {
  return (
    svg.outerHTML
      .replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (n) => {
        const r = Number(Number(n).toFixed(2));
        return String(Object.is(r, -0) ? 0 : r);
      })
      .replace(/(spectrum-gradient|ia-gradient|div-grad|hatch-(?:bottom|middle|top))-[a-z0-9]+/g, '$1-ID')
      .replace(/></g, '>\n<') + '\n'
  );
}

const snapshot = (name: string, svg: SVGSVGElement) => expect(serialize(svg)).toMatchFileSnapshot(`__snapshots__/${name}.svg`);

const spectrum = (k: number, decay: number) => Array.from({ length: k }, (_, i) => decay ** i);
const field = (name: string, rows: number, decay: number, dim = 8): FieldSpectrum => {
  const s = spectrum(dim, decay);
  const ia = s.reduce((a, b) => a + b, 0);
  return { name, rows, dim, normalized_spectrum: s, information_abundance: ia, effective_rank: ia };
};
const fields = [field('user_id', 5000, 0.9), field('item_id', 800, 0.5), field('hour', 4, 0.3), field('padding', 100, 0)];
fields[3] = { ...fields[3], normalized_spectrum: new Array(8).fill(0), information_abundance: 0, effective_rank: 0 };

const histogram = (shift: number) => ({
  edges: [0, 0.5, 1, 1.5, 2],
  conflict: [1 + shift, 3, 2, 0],
  other: [4, 2, 5 + shift, 1],
  band: ['bottom', 'bottom', 'middle', 'top'] as const,
});
const distances = (name: string, tables: [string, string], shift: number, separated: number): ModelDistances => ({
  name,
  tables,
  histogramA: histogram(shift),
  histogramB: histogram(2 - shift),
  joint: { xEdges: [0, 1, 2], yEdges: [0, 1, 2], bins: 2, counts: [3, 0, 1, 2 + shift] },
  separated,
});

describe('chart snapshots', () => {
  it('spectrum heatmap', async () => {
    await snapshot('spectrumHeatmap', renderSpectrumHeatmap(fields, { width: 520 }));
  });
  it('IA bars', async () => {
    await snapshot('iaBars', renderIABars(fields, { width: 520, order: 'ia' }));
  });
  it('IA comparison', async () => {
    const tables = [
      { label: 'checkpoints/2024-05-01/model_before_fix.npz', fields },
      { label: 'checkpoints/2024-05-01/model_after_fix.npz', fields: [field('user_id', 5000, 0.95), field('item_id', 800, 0.8)] },
    ];
    await snapshot('iaComparison', renderIAComparison(tables, { width: 520 }));
  });
  it('spectrum curves', async () => {
    await snapshot(
      'spectrumCurves',
      renderSpectrumCurves(
        [
          { key: 'a', label: 'user_id', values: spectrum(8, 0.5), color: '#4e79a7' },
          { key: 'b', label: 'item_id', values: spectrum(8, 0.2), color: '#e15759', dash: '4 3' },
        ],
        { width: 480 },
      ),
    );
  });
  it('line chart with a reference line', async () => {
    await snapshot(
      'lineChart',
      renderLineChart(
        [
          {
            label: 'DNN dim 16 · seed 1 valid auc',
            points: [
              { x: 0, y: 0.6 },
              { x: 100, y: 0.7 },
            ],
          },
          {
            label: 'DNN dim 16 · seed 2 valid auc',
            points: [
              { x: 0, y: 0.62 },
              { x: 100, y: 0.68 },
            ],
          },
        ],
        { width: 480, title: 'Validation AUC', xLabel: 'step', yLabel: 'AUC', dots: true, references: [{ y: 0.75, label: 'Bayes AUC 0.750' }] },
      ),
    );
  });
  it('loss curve', async () => {
    await snapshot(
      'lossCurve',
      renderLossCurve(
        [
          {
            label: 'run',
            losses: [
              { step: 10, loss: 0.69 },
              { step: 20, loss: 0.5 },
              { step: 30, loss: 0.45 },
            ],
          },
        ],
        400,
      ),
    );
  });
  it('IA over steps', async () => {
    await snapshot(
      'iaOverSteps',
      renderIaOverSteps(
        [
          { step: 0, fields: fields.slice(0, 2) },
          { step: 50, fields: [field('user_id', 5000, 0.8), field('item_id', 800, 0.4)] },
        ],
        400,
      ),
    );
  });
  it('scaling chart', async () => {
    const row = (variant: 'single' | 'multi', size: number, parameters: number, testAuc: number) => ({
      variant,
      size,
      parameters,
      testAuc,
      testAucStd: 0.004,
      meanIa: size * 3,
      meanIaStd: 0.5,
    });
    await snapshot(
      'scalingChart',
      renderScalingChart(
        [row('single', 1, 1000, 0.7), row('single', 2, 2000, 0.71), row('multi', 1, 1100, 0.7), row('multi', 2, 2200, 0.72)],
        'auc-vs-params',
        480,
        0.75,
      ),
    );
  });
  it('interaction matrix', async () => {
    await snapshot(
      'interactionMatrix',
      renderInteractionMatrix(
        {
          fields: ['user', 'item', 'hour'],
          rawIa: [6, 3, 1.5],
          ia: [
            [6, 2, 1.2],
            [2.5, 3, 1.1],
            [1.3, 1.1, 1.5],
          ],
          dim: 8,
        },
        { width: 520 },
      ),
    );
  });
  it('dominance bars', async () => {
    const layers = (a: number) => [
      { layer: 'embedding', meanRau: [a, 1 - a], argmaxShare: [0.8, 0.2] },
      { layer: 'bottom/0', meanRau: [0.5, 0.5], argmaxShare: [0.5, 0.5] },
    ];
    await snapshot(
      'dominanceBars',
      renderDominanceBars(
        ['click', 'like'],
        [
          { label: 'Adam', layers: layers(0.8) },
          { label: 'AdaTask', layers: layers(0.6) },
        ],
        520,
      ),
    );
  });
  it('dominance bars at phone width stagger the optimiser names instead of overlapping them', () => {
    const layers = ['embedding', 'expert/0', 'expert/1'].map((layer) => ({ layer, meanRau: [0.6, 0.4], argmaxShare: [0.6, 0.4] }));
    const svg = renderDominanceBars(
      ['click', 'like'],
      [
        { label: 'Adam', layers },
        { label: 'AdaTask', layers },
      ],
      340,
    );
    const label = (arm: string) =>
      [...svg.querySelectorAll(`[data-arm="${arm}"] text`)].filter((t) => t.textContent === arm).map((t) => Number(t.getAttribute('y')));
    expect(label('Adam').length).toBe(3);
    expect(new Set(label('Adam'))).not.toEqual(new Set(label('AdaTask')));
    const wide = renderDominanceBars(
      ['click', 'like'],
      [
        { label: 'Adam', layers },
        { label: 'AdaTask', layers },
      ],
      900,
    );
    expect(wide.getAttribute('height')).toBe('300');
    expect(svg.getAttribute('height')).toBe('312');
  });
  it('rAU lines', async () => {
    const points = [
      { step: 0, meanRau: [0.5, 0.5] },
      { step: 10, meanRau: [0.7, 0.3] },
    ];
    await snapshot(
      'rauLines',
      renderRauLines(
        'embedding',
        ['click', 'like'],
        [
          { label: 'Adam', points },
          { label: 'AdaTask', points: points.map((p) => ({ ...p, meanRau: [0.55, 0.45] })) },
        ],
        480,
      ),
    );
  });
  it('rAU histogram', async () => {
    await snapshot(
      'rauHistogram',
      renderRauHistogram(
        'embedding',
        ['click', 'like'],
        [
          {
            label: 'Adam',
            histogram: [
              [1, 2, 5],
              [5, 2, 1],
            ],
          },
          {
            label: 'AdaTask',
            histogram: [
              [2, 3, 3],
              [3, 3, 2],
            ],
          },
        ],
        480,
      ),
    );
  });
  it('cosine matrix', async () => {
    await snapshot(
      'cosineMatrix',
      renderCosineMatrix(
        ['click', 'like'],
        [
          { label: 'Adam', layers: [{ layer: 'embedding', cosine: [1, -0.0001, -0.0001, 1] }] },
          { label: 'AdaTask', layers: [{ layer: 'embedding', cosine: [1, 0.4, 0.4, 1] }] },
        ],
        520,
      ),
    );
  });
  it('entanglement heatmap', async () => {
    await snapshot(
      'entanglementHeatmap',
      renderEntanglementHeatmap(
        'Adam: cos(g_click, g_like)',
        ['user', 'item'],
        [
          { step: 10, cosine: [0.5, -0.2] },
          { step: 20, cosine: [-0.001, NaN] },
        ],
        480,
      ),
    );
  });
  it('conflict-pair distance histograms', async () => {
    await snapshot(
      'distanceHistograms',
      renderDistanceHistograms(
        ['click', 'like'],
        [distances('shared-bottom', ['shared', 'shared'], 0, 0), distances('stem', ['click', 'like'], 1, 0.615)],
        640,
      ),
    );
  });
  it('conflict-pair distance histograms at phone width: legend on two rows, ticks apart, titles inside their panels', () => {
    const svg = renderDistanceHistograms(['click', 'like'], [distances('shared-bottom', ['shared', 'shared'], 0, 0)], 340);
    const note = [...svg.querySelectorAll('text')].find((t) => t.textContent === 'solid = conflict pairs')!;
    expect(Number(note.getAttribute('y'))).toBeGreaterThan(50);
    for (const panel of svg.querySelectorAll('.distance-panel')) {
      const xAxis = [...panel.querySelectorAll(':scope > g')].find((g) => g.getAttribute('transform')?.startsWith('translate(0,'))!;
      const xs = [...xAxis.querySelectorAll('.tick')]
        .map((t) => Number(/translate\(([-\d.]+)/.exec(t.getAttribute('transform') ?? '')![1]))
        .sort((a, b) => a - b);
      expect(xs.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(30);
      expect(panel.querySelector('text')!.textContent!.length).toBeLessThan('like: shared table'.length);
    }
  });
  it('conflict-pair joint histograms', async () => {
    await snapshot(
      'jointHistograms',
      renderJointHistograms(['click', 'like'], [distances('mmoe', ['shared', 'shared'], 0, 0), distances('stem', ['click', 'like'], 1, 0.615)], 480),
    );
  });
});
