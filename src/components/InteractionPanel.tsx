import { useCallback, useMemo } from 'react';
import { addMatrixTooltip, renderInteractionMatrix, type InteractionMatrix } from '../charts/interactionMatrix.ts';
import type { LoadedTable } from '../contracts/tables.ts';
import { interactionTable } from '../export/chartTables.ts';
import { interactionOffers, useInteractionStore, type InteractionOffer } from '../state/interactionController.ts';
import { ChartFigure } from './ChartFigure.tsx';
import { DataExport } from './DataExport.tsx';
import { formatDuration, formatRows } from './format.ts';
import { useInteractionController } from './runControllersContext.ts';

/**
 * On a DCNv2 checkpoint's card analysed with field sizes: the interaction-collapse matrix (RecScope's
 * plot_info_map_after_proj), computed on request from the file's first cross layer.
 */
export function InteractionPanel({ table }: { table: LoadedTable }) {
  const offers = useMemo(() => interactionOffers(table), [table]);
  const hasFile = useInteractionStore((s) => s.withFile[table.id] === true);
  if (offers.length === 0) return null;
  return (
    <section className="interaction-panel" data-testid="interaction-panel" aria-label="Interaction collapse through the first cross layer">
      {offers.map((offer) => (
        <InteractionOfferView key={offer.key} tableId={table.id} offer={offer} hasFile={hasFile} stem={table.source.replace(/\.[^.]+$/, '')} />
      ))}
    </section>
  );
}

function InteractionOfferView({ tableId, offer, hasFile, stem }: { tableId: string; offer: InteractionOffer; hasFile: boolean; stem: string }) {
  const controller = useInteractionController();
  const entry = useInteractionStore((s) => s.entries[offer.key]);
  const matrix: InteractionMatrix | null = useMemo(() => (entry?.status === 'done' ? { ...entry.matrix, dim: entry.dim } : null), [entry]);
  const draw = useCallback(
    (width: number) =>
      matrix
        ? addMatrixTooltip(
            renderInteractionMatrix(matrix, {
              width,
              title: `Interaction collapse through ${offer.weight}${offer.set ? ` (${offer.set})` : ''}: IA of field i as seen by field j`,
            }),
            matrix,
          )
        : null,
    [matrix, offer.weight, offer.set],
  );
  const what = `${offer.fieldDims.length} x ${offer.fieldDims.length} fields through ${offer.weight}${offer.set ? `, ${offer.set}` : ''}`;
  if (matrix && entry?.status === 'done') {
    const filename = `${stem}-${offer.set ?? 'table'}-interaction`;
    return (
      <div data-testid="interaction-result">
        <ChartFigure testId="interaction-matrix" filename={filename} render={draw} className="heatmap" />
        <p className="muted small-print">
          {what}, both axes sorted by each field&apos;s own IA; computed in {formatDuration(entry.elapsedMs)}. A row paler than its field&apos;s own IA means
          the cross layer sees that field through fewer dimensions.
        </p>
        <DataExport
          filename={filename}
          table={() => interactionTable(matrix)}
          json={() => ({ fields: matrix.fields, matrix: matrix.ia, raw_ia: matrix.rawIa })}
        />
      </div>
    );
  }
  return (
    <div className="interaction-offer">
      {entry?.status === 'running' ? (
        <p className="muted" data-testid="interaction-progress" aria-live="polite">
          Projecting {formatRows(entry.rowsDone)} / {formatRows(entry.rowsTotal)} rows through {offer.weight}…{' '}
          <button type="button" className="ghost small" onClick={() => controller.cancel()}>
            Cancel
          </button>
        </p>
      ) : (
        <button
          type="button"
          className="secondary small"
          data-testid="interaction-button"
          disabled={!hasFile}
          title={hasFile ? undefined : 'The file of this card is not at hand (restored from an earlier session): drop it again.'}
          onClick={() => void controller.compute(tableId, offer)}
        >
          Interaction matrix ({what})
        </button>
      )}
      {!hasFile && entry?.status !== 'running' && <span className="muted small-print"> Drop the file again to compute it.</span>}
      {entry?.status === 'error' && (
        <p className="error-text" data-testid="interaction-error" role="alert">
          {entry.error.message} {entry.error.fix}
        </p>
      )}
    </div>
  );
}
