import { useState } from 'react';
import type { AnalysisProgress } from '../contracts/tables.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { useController } from './controllerContext.ts';
import { formatBytes, formatRate, formatRows } from './format.ts';

/** Rows read so far, throughput, and Cancel while a table is being analysed. */
export function ProgressPanel() {
  const progress = useStudioStore((s) => s.flow.progress);
  const analysing = useStudioStore((s) => s.flow.phase === 'analysing');
  if (!analysing || !progress) return null;
  // Mounted per run, so a later run starts with Cancel live again.
  return <RunProgress progress={progress} />;
}

function RunProgress({ progress }: { progress: AnalysisProgress }) {
  const controller = useController();
  const [cancelling, setCancelling] = useState(false);
  const { rowsDone, rowsTotal, bytesDone, bytesTotal, rowsPerSecond } = progress;
  const fraction = rowsTotal ? rowsDone / rowsTotal : bytesTotal ? bytesDone / bytesTotal : 0;
  const status = cancelling
    ? 'Cancelling: stopping at the next block of rows…'
    : rowsTotal !== null && rowsDone >= rowsTotal
      ? 'Computing the spectra…'
      : 'Analysing…';
  return (
    <div className="progress-panel" data-testid="progress" data-rows-done={rowsDone} aria-live="polite">
      <div className="progress-head">
        {/* Every row read: what is left is the eigen-solve of each field's Gram, one step per field. */}
        <span data-testid="progress-status">{status}</span>
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
      <button
        type="button"
        className="secondary"
        data-testid="cancel-button"
        disabled={cancelling}
        onClick={() => {
          setCancelling(true);
          controller.cancel();
        }}
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}
