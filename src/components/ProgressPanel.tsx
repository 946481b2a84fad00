import { useStudioStore } from '../state/studioStore.ts';
import { useController } from './controllerContext.ts';
import { formatBytes, formatRate, formatRows } from './format.ts';

/** Rows read so far, throughput, and Cancel while a table is being analysed. */
export function ProgressPanel() {
  const controller = useController();
  const progress = useStudioStore((s) => s.flow.progress);
  const analysing = useStudioStore((s) => s.flow.phase === 'analysing');
  if (!analysing || !progress) return null;
  const { rowsDone, rowsTotal, bytesDone, bytesTotal, rowsPerSecond } = progress;
  const fraction = rowsTotal ? rowsDone / rowsTotal : bytesTotal ? bytesDone / bytesTotal : 0;
  return (
    <div className="progress-panel" data-testid="progress" data-rows-done={rowsDone} aria-live="polite">
      <div className="progress-head">
        {/* Every row read: what is left is the eigen-solve of each field's Gram, one step per field. */}
        <span>{rowsTotal !== null && rowsDone >= rowsTotal ? 'Computing the spectra…' : 'Analysing…'}</span>
        <span className="num">{Math.round(fraction * 100)}%</span>
      </div>
      <progress value={Math.min(1, fraction)} max={1} aria-label="Analysis progress" />
      <div className="progress-stats">
        <span className="num">
          {formatRows(rowsDone)}
          {rowsTotal ? ` / ${formatRows(rowsTotal)}` : ''} rows
        </span>
        <span className="num">
          {formatBytes(bytesDone)} / {formatBytes(bytesTotal)}
        </span>
        {rowsPerSecond > 0 && <span className="num">{formatRate(rowsPerSecond)}</span>}
      </div>
      <button type="button" className="secondary" data-testid="cancel-button" onClick={() => controller.cancel()}>
        Cancel
      </button>
    </div>
  );
}
