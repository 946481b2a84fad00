import type { FieldSpectrum } from '../analysis/collapseVerdict.ts';
import { interactiveLineChart, type LineSeries } from './metricLines.ts';

export interface SpectrumSnapshotAt {
  step: number;
  fields: readonly FieldSpectrum[];
}

/** One line per field: its information abundance at every snapshot (fields in their snapshot order). */
export function iaSeries(snapshots: readonly SpectrumSnapshotAt[]): LineSeries[] {
  const names = snapshots[0]?.fields.map((f) => f.name) ?? [];
  return names.map((name) => ({
    label: name,
    points: snapshots.flatMap((s) => {
      const f = s.fields.find((x) => x.name === name);
      return f ? [{ x: s.step, y: f.information_abundance }] : [];
    }),
  }));
}

/** IA per field over training, with the line-chart hover (many fields: the hovered one stands out, the rest dim). */
export function renderIaOverSteps(
  snapshots: readonly SpectrumSnapshotAt[],
  width: number,
  title = 'Information abundance per field over training',
  xLabel = 'step',
): SVGSVGElement {
  const dim = snapshots[0]?.fields[0]?.dim;
  return interactiveLineChart(iaSeries(snapshots), { width, title, xLabel, yLabel: dim ? `IA (max ${dim})` : 'IA' });
}
