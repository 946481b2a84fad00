import { useCallback, useMemo, useState } from 'react';
import { renderCorrelationHeatmaps } from '../charts/correlationHeatmap.ts';
import type { LoadedTable } from '../contracts/tables.ts';
import { correlationTable } from '../export/chartTables.ts';
import {
  correlationRequestOf,
  defaultCorrelationForm,
  useCorrelationStore,
  type CorrelationEntry,
  type CorrelationForm,
} from '../state/correlationController.ts';
import { useInteractionStore } from '../state/interactionController.ts';
import { ChartFigure } from './ChartFigure.tsx';
import { DataExport } from './DataExport.tsx';
import { formatDuration } from './format.ts';
import { useCorrelationController } from './runControllersContext.ts';

const METHOD_LABEL = {
  attention: 'attention only (DIN, TWIN, DARE)',
  tin: 'TIN (temporal encoding × representation)',
} as const;

/**
 * On an uploaded checkpoint's card with two or more 2-D tensors: pick its category and position
 * embedding tables (and the target's own tables) and see the learned correlation of SCIENCE.md
 * section 4 (RecScope RQ2), one heatmap per target category.
 */
export function CorrelationPanel({ table }: { table: LoadedTable }) {
  const initial = useMemo(() => (table.origin === 'file' ? defaultCorrelationForm(table.tensors) : null), [table]);
  if (!initial) return null;
  return <CorrelationTool table={table} initial={initial} />;
}

function CorrelationTool({ table, initial }: { table: LoadedTable; initial: CorrelationForm }) {
  const controller = useCorrelationController();
  const [form, setForm] = useState(initial);
  // The target shown, kept across recomputes (a new formula keeps the target in view).
  const [target, setTarget] = useState(0);
  const entry = useCorrelationStore((s) => s.entries[table.id]);
  const hasFile = useInteractionStore((s) => s.withFile[table.id] === true);
  const request = useMemo(() => correlationRequestOf(form), [form]);
  const update = (patch: Partial<CorrelationForm>) => setForm((f) => ({ ...f, ...patch }));
  const tables = table.tensors.filter((t) => t.analysable && t.shape.length === 2);
  const option = (name: string) => (
    <option key={name} value={name}>
      {name} [{tables.find((t) => t.name === name)?.shape.join(' × ')}]
    </option>
  );
  const stem = table.source.replace(/\.[^.]+$/, '');
  return (
    <details className="correlation-panel" data-testid="correlation-panel" open={entry !== undefined || undefined}>
      <summary>Learned correlation (sequence models: category × position)</summary>
      <p className="muted small-print">
        Which behaviour categories, at which target-relative position, the model&apos;s attention weighs for each target category: softmax over the N × P matrix
        of c_t·c_i/√d + p_0·p_p/√d (or TIN&apos;s formula), min-max scaled. Position row 0 is the target&apos;s.
      </p>
      <form
        className="correlation-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!(request instanceof Error)) void controller.compute(table.id, request);
        }}
      >
        <label>
          Category table{' '}
          <select data-testid="correlation-category" value={form.categoryTable} onChange={(e) => update({ categoryTable: e.target.value })}>
            {tables.map((t) => option(t.name))}
          </select>
        </label>
        <label>
          Position table{' '}
          <select data-testid="correlation-position" value={form.positionTable} onChange={(e) => update({ positionTable: e.target.value })}>
            {tables.map((t) => option(t.name))}
          </select>
        </label>
        <label>
          Target category table{' '}
          <select data-testid="correlation-target" value={form.targetCategoryTable} onChange={(e) => update({ targetCategoryTable: e.target.value })}>
            <option value="">same as the category table</option>
            {tables.map((t) => option(t.name))}
          </select>
        </label>
        <label>
          Target position table{' '}
          <select value={form.targetPositionTable} onChange={(e) => update({ targetPositionTable: e.target.value })}>
            <option value="">same as the position table</option>
            {tables.map((t) => option(t.name))}
          </select>
        </label>
        <label>
          Formula{' '}
          <select data-testid="correlation-method" value={form.method} onChange={(e) => update({ method: e.target.value as CorrelationForm['method'] })}>
            <option value="attention">{METHOD_LABEL.attention}</option>
            <option value="tin">{METHOD_LABEL.tin}</option>
          </select>
        </label>
        <label>
          Category ids <input data-testid="correlation-categories" value={form.categories} size={12} onChange={(e) => update({ categories: e.target.value })} />
        </label>
        <label>
          Positions{' '}
          <input
            data-testid="correlation-positions"
            type="number"
            min={1}
            max={1000}
            value={form.positions}
            onChange={(e) => update({ positions: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        </label>
        {entry?.status === 'running' ? (
          <button type="button" className="ghost small" onClick={() => controller.cancel()}>
            Cancel
          </button>
        ) : (
          <button
            type="submit"
            className="secondary small"
            data-testid="correlation-button"
            disabled={!hasFile || request instanceof Error}
            title={hasFile ? undefined : 'The file of this card is not at hand (restored from an earlier session): drop it again.'}
          >
            Learned correlation
          </button>
        )}
      </form>
      {request instanceof Error && (
        <p className="error-text" role="alert">
          {request.message}
        </p>
      )}
      {!hasFile && <p className="muted small-print">Drop the file again to compute it.</p>}
      {entry?.status === 'error' && (
        <p className="error-text" data-testid="correlation-error" role="alert">
          {entry.error.message} {entry.error.fix}
        </p>
      )}
      {entry?.status === 'done' && <CorrelationResult entry={entry} stem={stem} target={target} onTarget={setTarget} />}
    </details>
  );
}

function CorrelationResult({
  entry,
  stem,
  target,
  onTarget,
}: {
  entry: Extract<CorrelationEntry, { status: 'done' }>;
  stem: string;
  target: number;
  onTarget: (index: number) => void;
}) {
  const { correlation, request } = entry;
  const rows = useMemo(() => correlation.categories.map(String), [correlation]);
  const shown = Math.min(target, correlation.maps.length - 1);
  const label = `${request.categoryTable} · ${METHOD_LABEL[correlation.method]}`;
  const draw = useCallback(
    (width: number) =>
      renderCorrelationHeatmaps(rows[shown], rows, correlation.positions, [{ label, values: correlation.maps[shown], unit: 'learned, min-max' }], width),
    [rows, shown, correlation, label],
  );
  const filename = `${stem}-learned-correlation`;
  return (
    <div data-testid="correlation-result">
      <label>
        Target category{' '}
        <select data-testid="correlation-target-pick" value={shown} onChange={(e) => onTarget(Number(e.target.value))}>
          {rows.map((r, i) => (
            <option key={r + i} value={i}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <ChartFigure testId="correlation-heatmap" filename={`${filename}-${rows[shown]}`} render={draw} className="heatmap" />
      <p className="muted small-print">
        {correlation.categories.length} categories × {correlation.positions} positions from {request.categoryTable} (dim {correlation.categoryDim}) and{' '}
        {request.positionTable} (dim {correlation.positionDim}); computed in {formatDuration(entry.elapsedMs)}. Without the training data there is no ground
        truth here: compare it with <code>reclens correlation</code> on the behaviour log.
      </p>
      <DataExport filename={filename} table={() => correlationTable(correlation)} json={() => correlation} />
    </div>
  );
}
