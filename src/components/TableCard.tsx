import { useCallback, useEffect, useMemo, useRef } from 'react';
import { resultToCSV, resultToJSON } from '../analysis/resultExport.ts';
import { COLLAPSED_BELOW, summarizeCollapse } from '../analysis/collapseVerdict.ts';
import { renderIABars } from '../charts/iaBars.ts';
import { addHeatmapTooltip, renderSpectrumHeatmap } from '../charts/spectrumHeatmap.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { type LoadedTable } from '../contracts/tables.ts';
import { setFieldGrid, setFields, type SetFieldGrid } from '../analysis/setFieldGrid.ts';
import { renderSetFieldMatrix } from '../charts/setFieldMatrix.ts';
import { ChartFigure } from './ChartFigure.tsx';
import { downloadBlob, fileStem } from '../export/download.ts';
import { FieldTable } from './FieldTable.tsx';
import { formatBytes, formatDuration, formatRatio, formatRows } from './format.ts';
import { MODE_LABELS } from './modeLabels.ts';
import { InteractionPanel } from './InteractionPanel.tsx';
import { CorrelationPanel } from './CorrelationPanel.tsx';

function summaryText(table: LoadedTable): string {
  const s = summarizeCollapse(table.result.fields);
  const main = `${s.collapsed} of ${s.total} field${s.total === 1 ? '' : 's'} below IA/K ${COLLAPSED_BELOW}`;
  const apart = [...(s.small > 0 ? [`${s.small} with fewer rows than K`] : []), ...(s.zero > 0 ? [`${s.zero} with no spectrum, every row zero`] : [])];
  const small = apart.length > 0 ? ` (${apart.join('; ')}: not counted)` : '';
  const worst = s.worst ? `. Lowest: ${s.worst.name}, IA/K ${formatRatio(s.worst.information_abundance / s.worst.dim)}` : '';
  // A table the model says concatenates fields, analysed whole: the count is of that one mixture.
  const whole = table.notes?.concatenated ? 'As one field (not judged): ' : '';
  return `${whole}${main}${small}${worst}.`;
}

/** Cards of one file told apart: the file, then the tensor, the sets, or how many tensors were analysed. */
function cardTitle(table: LoadedTable): string {
  const { tensors, sets } = table.result.options;
  if (table.origin === 'example' || !tensors || tensors.length === 0) return table.source;
  if (sets) return `${table.source} · ${sets.length} embedding sets`;
  if (tensors.length === 1)
    return `${table.source} · ${tensors[0]}${table.result.options.field_dims ? ` · ${table.result.options.field_dims.length} fields` : ''}`;
  return `${table.source} · ${tensors.length} tensors`;
}

/** A green verdict only where it means something: not for optimiser moments, nor a table that is probably concatenated fields. */
function verdictClass(table: LoadedTable, summary: ReturnType<typeof summarizeCollapse>): string {
  if (table.notes?.optimizerState || table.notes?.concatenated) return 'neutral';
  return summary.collapsed > 0 ? 'bad' : summary.zero > 0 ? 'neutral' : 'good';
}

/** One analysed table: provenance, verdict, heatmap, IA bars, exact numbers, exports. */
export function TableCard({ table }: { table: LoadedTable }) {
  const removeTable = useStudioStore((s) => s.removeTable);
  const reveal = useStudioStore((s) => s.revealTable === table.id);
  const setRevealTable = useStudioStore((s) => s.setRevealTable);
  const cardRef = useRef<HTMLElement>(null);
  // The card an import just added: in view, or the user is left looking at the examples above it.
  useEffect(() => {
    if (!reveal) return;
    cardRef.current?.scrollIntoView?.({ block: 'start' });
    setRevealTable(null);
  }, [reveal, setRevealTable]);
  const order = useStudioStore((s) => s.sort);
  const setSort = useStudioStore((s) => s.setSort);
  const { result } = table;
  const stem = fileStem(table.source);
  const dims = [...new Set(result.fields.map((f) => f.dim))].join('/');
  const summary = summarizeCollapse(result.fields);

  const title = cardTitle(table);
  const grid = useMemo(() => setFieldGrid(result), [result]);
  // Embedding sets hold the same rows each: the table's rows are one set's.
  const rows = (grid ? grid.cells[0] : result.fields).reduce((a, f) => a + f.rows, 0);
  const { notes } = table;
  const drawHeatmap = useCallback((width: number) => addHeatmapTooltip(renderSpectrumHeatmap(result.fields, { width }), result.fields), [result]);
  const drawGrid = useCallback((width: number) => renderSetFieldMatrix(grid!, { width }), [grid]);
  const drawBars = useCallback((width: number) => renderIABars(result.fields, { width, order }), [result, order]);

  return (
    <article
      ref={cardRef}
      className="table-card"
      data-testid="table-card"
      data-source={table.source}
      data-elapsed-ms={Math.round(table.elapsedMs)}
      aria-labelledby={`${table.id}-title`}
    >
      <header className="card-head">
        <div className="card-title">
          <h2 id={`${table.id}-title`} title={title} data-testid="table-title">
            {title}
          </h2>
          <p className="card-meta">
            {table.origin === 'example' ? (
              <span className="badge example">built-in example</span>
            ) : (
              <span className="badge" data-testid="table-format">
                {table.format}
              </span>
            )}
            <span>
              {formatRows(rows)} rows × {dims}
              {grid ? `, ${grid.sets.length} sets` : ''}
            </span>
            <span>
              {result.fields.length} field{result.fields.length === 1 ? '' : 's'}
            </span>
            {table.origin === 'file' && <span>{formatBytes(table.bytes)}</span>}
            <span title={`Gram: ${table.gramEngine}`}>
              {table.origin === 'example' ? 'generated and analysed' : 'analysed'} in {formatDuration(table.elapsedMs)}
            </span>
            <span>{MODE_LABELS[result.options.mode]}</span>
          </p>
        </div>
        <div className="card-actions" role="group" aria-label={`Actions for ${table.source}`}>
          <button
            type="button"
            className="ghost small"
            data-testid="export-json"
            onClick={() => downloadBlob(new Blob([resultToJSON(result)], { type: 'application/json' }), `${stem}-reclens.json`)}
          >
            JSON
          </button>
          <button
            type="button"
            className="ghost small"
            data-testid="export-csv"
            onClick={() => downloadBlob(new Blob([resultToCSV(result)], { type: 'text/csv' }), `${stem}-reclens.csv`)}
          >
            CSV
          </button>
          <button
            type="button"
            className="ghost small danger"
            data-testid="remove-table"
            aria-label={`Remove ${table.source}`}
            title="Remove this table"
            onClick={() => removeTable(table.id)}
          >
            Remove
          </button>
        </div>
      </header>

      {notes?.optimizerState && (
        <p className="verdict-note warn-text" data-testid="optimizer-note">
          Optimizer state: {notes.optimizerState}.
        </p>
      )}
      {notes?.concatenated && (
        <p className="verdict-note warn-text" data-testid="concatenation-hint">
          Not judged: {notes.concatenated.text}. Analysed as one field, its IA mixes {notes.concatenated.fields} fields.
        </p>
      )}
      {notes?.fieldSizesFrom && (
        <p className="muted small-print" data-testid="field-sizes-from">
          Field sizes from {notes.fieldSizesFrom}.
        </p>
      )}
      <p className={`verdict ${verdictClass(table, summary)}`} data-testid="verdict">
        {summaryText(table)}
      </p>

      {grid && (
        <section className="set-grid" data-testid="set-field-grid" aria-label="Embedding sets by fields">
          <ChartFigure testId="set-field-matrix" filename={`${stem}-sets-by-fields`} render={drawGrid} className="bars" />
          <div className="set-heatmaps">
            {grid.sets.map((set, s) => (
              <SetHeatmap key={set} grid={grid} index={s} stem={stem} />
            ))}
          </div>
        </section>
      )}
      {!grid && <ChartFigure testId="spectrum-heatmap" filename={`${stem}-spectrum-heatmap`} render={drawHeatmap} className="heatmap" />}

      <div className="sort-row" role="group" aria-label="Order fields by">
        <span className="muted">Order by</span>
        <button
          type="button"
          className={`chip ${order === 'cardinality' ? 'active' : ''}`}
          aria-pressed={order === 'cardinality'}
          onClick={() => setSort('cardinality')}
        >
          rows
        </button>
        <button type="button" className={`chip ${order === 'ia' ? 'active' : ''}`} aria-pressed={order === 'ia'} onClick={() => setSort('ia')}>
          IA
        </button>
      </div>
      <ChartFigure testId="ia-bars" filename={`${stem}-ia-bars`} render={drawBars} className="bars" />

      <FieldTable fields={result.fields} order={order} caption={`Per-field results for ${title}`} />
      <InteractionPanel table={table} />
      <CorrelationPanel table={table} />
    </article>
  );
}

/** One embedding set's spectrum heatmap, its fields named without the set. */
function SetHeatmap({ grid, index, stem }: { grid: SetFieldGrid; index: number; stem: string }) {
  const fields = useMemo(() => setFields(grid, index), [grid, index]);
  const set = grid.sets[index];
  const draw = useCallback(
    (width: number) => addHeatmapTooltip(renderSpectrumHeatmap(fields, { width, title: `${set}: singular spectrum per field` }), fields),
    [fields, set],
  );
  return <ChartFigure testId="set-heatmap" filename={`${stem}-${set}-spectrum-heatmap`} render={draw} className="heatmap" />;
}
