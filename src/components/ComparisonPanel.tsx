import { useCallback, useMemo } from 'react';
import { renderIAComparison, sharedFieldRows, tablesWithBars } from '../charts/iaComparison.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { ChartFigure } from './ChartFigure.tsx';

/** IA/K of the same field names across loaded tables (e.g. two checkpoints, or before/after a fix). */
export function ComparisonPanel() {
  const tables = useStudioStore((s) => s.tables);
  const compared = useMemo(() => tables.map((t) => ({ label: t.source, fields: t.result.fields })), [tables]);
  const shared = useMemo(() => sharedFieldRows(compared), [compared]);
  const drawn = useMemo(() => tablesWithBars(compared), [compared]);
  const left = compared.length - drawn.length;
  const draw = useCallback((width: number) => renderIAComparison(compared, { width }), [compared]);
  if (tables.length < 2 || shared.length === 0) return null;
  return (
    <section className="panel comparison-panel" aria-labelledby="comparison-heading">
      <h2 id="comparison-heading">Comparison</h2>
      <p className="hint">
        IA/K of the {shared.length} field{shared.length === 1 ? '' : 's'} that appear in more than one table. IA/K puts tables of different K on one scale.
        {left > 0 && (
          <>
            {' '}
            <span data-testid="comparison-left-out">
              {left} table{left === 1 ? '' : 's'} share{left === 1 ? 's' : ''} no field name with the others and {left === 1 ? 'is' : 'are'} not drawn.
            </span>
          </>
        )}
      </p>
      <ChartFigure testId="ia-comparison" filename="reclens-ia-comparison" render={draw} />
    </section>
  );
}
