import { useCallback, useMemo } from 'react';
import { SERIES_COLORS } from '../charts/chartStyle.ts';
import { sortFields } from '../analysis/collapseVerdict.ts';
import { renderSpectrumCurves, type CurveSeries } from '../charts/spectrumCurves.ts';
import { curveKey, useStudioStore } from '../state/studioStore.ts';
import { ChartFigure } from './ChartFigure.tsx';
import { formatIA } from './format.ts';

/** Dash pattern per table, so the same field of two tables reads as one colour family, two strokes. */
const TABLE_DASHES = [undefined, '6 4', '2 3', '10 3 2 3'];

/** Log-scale spectra of chosen fields, several tables overlaid. */
export function SpectrumCurvesPanel() {
  const tables = useStudioStore((s) => s.tables);
  const selection = useStudioStore((s) => s.curveSelection);
  const toggleCurve = useStudioStore((s) => s.toggleCurve);
  const setCurveSelection = useStudioStore((s) => s.setCurveSelection);

  const series = useMemo<CurveSeries[]>(() => {
    const out: CurveSeries[] = [];
    tables.forEach((t, ti) =>
      t.result.fields.forEach((f) => {
        const key = curveKey(t.id, f.name);
        if (!selection.includes(key)) return;
        out.push({
          key,
          label: `${f.name} · ${t.source} (IA ${formatIA(f.information_abundance)})`,
          values: f.normalized_spectrum,
          color: '',
          dash: TABLE_DASHES[ti % TABLE_DASHES.length],
        });
      }),
    );
    return out.map((s, i) => ({ ...s, color: SERIES_COLORS[i % SERIES_COLORS.length] }));
  }, [tables, selection]);

  const colorOf = new Map(series.map((s) => [s.key, s.color]));
  const draw = useCallback((width: number) => renderSpectrumCurves(series, { width }), [series]);

  if (tables.length === 0) return null;
  return (
    <section className="panel curves-panel" aria-labelledby="curves-heading">
      <div className="panel-head">
        <h2 id="curves-heading">Spectrum curves</h2>
        <button type="button" className="ghost small" onClick={() => setCurveSelection([])} disabled={selection.length === 0}>
          Clear selection
        </button>
      </div>
      <p className="hint">
        How fast each field's singular values fall. A collapsed field drops by orders of magnitude within a few indices. Tick fields to overlay them; tables
        differ by line style.
      </p>
      <div className="curves-layout">
        <div className="curve-picker">
          {tables.map((t, ti) => (
            <fieldset key={t.id}>
              <legend title={t.source}>
                <svg width="26" height="8" aria-hidden="true">
                  <line x1="0" x2="26" y1="4" y2="4" stroke="#57606a" strokeWidth="2" strokeDasharray={TABLE_DASHES[ti % TABLE_DASHES.length]} />
                </svg>
                {t.source}
              </legend>
              {sortFields(t.result.fields, 'cardinality').map((f) => {
                const key = curveKey(t.id, f.name);
                const color = colorOf.get(key);
                return (
                  <label key={key} className="curve-option">
                    <input type="checkbox" checked={selection.includes(key)} onChange={() => toggleCurve(key)} />
                    <span className="swatch" style={{ background: color ?? 'transparent', borderColor: color ?? '#c4ccd4' }} aria-hidden="true" />
                    <span className="curve-name">{f.name}</span>
                    <span className="muted num">{formatIA(f.information_abundance)}</span>
                  </label>
                );
              })}
            </fieldset>
          ))}
        </div>
        <ChartFigure testId="spectrum-curves" filename="reclens-spectrum-curves" render={draw} />
      </div>
    </section>
  );
}
