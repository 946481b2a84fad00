import type { FieldResult } from '../contracts/tables.ts';
import { renderLineChart, type LineSeries } from './metricLines.ts';

export interface SpectrumSnapshotAt {
  step: number;
  fields: FieldResult[];
}

/** One line per field: its information abundance at every snapshot (fields in their snapshot order). */
export function iaSeries(snapshots: SpectrumSnapshotAt[]): LineSeries[] {
  const names = snapshots[0]?.fields.map((f) => f.name) ?? [];
  return names.map((name) => ({
    label: name,
    points: snapshots.flatMap((s) => {
      const f = s.fields.find((x) => x.name === name);
      return f ? [{ x: s.step, y: f.information_abundance }] : [];
    }),
  }));
}

export function renderIaOverSteps(svg: SVGSVGElement, snapshots: SpectrumSnapshotAt[], width: number, title = 'Information abundance per field over training'): void {
  const dim = snapshots[0]?.fields[0]?.dim;
  renderLineChart(svg, iaSeries(snapshots), { width, title, xLabel: 'step', yLabel: dim ? `IA (max ${dim})` : 'IA' });
}
