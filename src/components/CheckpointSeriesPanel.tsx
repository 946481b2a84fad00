import { useCallback, useMemo, useState } from 'react';
import { fieldTrends } from '../analysis/checkpointSeries.ts';
import { iaSeries, renderIaOverSteps } from '../charts/iaOverSteps.ts';
import { seriesTable } from '../export/chartTables.ts';
import { useCheckpointSeriesStore } from '../state/checkpointSeriesController.ts';
import { ChartFigure } from './ChartFigure.tsx';
import { DataExport } from './DataExport.tsx';
import { useCheckpointSeriesController } from './runControllersContext.ts';

/** Lets an <input type="file"> pick a folder (every browser RecLens supports reads this attribute). */
const FOLDER = { webkitdirectory: '', directory: '' } as Record<string, string>;

/**
 * Several checkpoints of one training, from a folder or picked together: IA per field over steps,
 * the live-training view for training done elsewhere.
 */
export function CheckpointSeriesPanel() {
  const controller = useCheckpointSeriesController();
  const s = useCheckpointSeriesStore();
  const [files, setFiles] = useState<File[]>([]);
  const [fieldDimsText, setFieldDimsText] = useState('');
  const [keepPicked, setKeepPicked] = useState(false);
  const dim = s.snapshots[0]?.fields[0]?.dim;
  const xLabel = s.order?.by === 'picked' ? 'checkpoint (order picked)' : 'step';
  const draw = useCallback(
    (width: number) => renderIaOverSteps(s.snapshots, width, `Information abundance per field over ${s.snapshots.length} checkpoints`, xLabel),
    [s.snapshots, xLabel],
  );
  const trends = useMemo(() => fieldTrends(s.snapshots), [s.snapshots]);
  const pick = (list: FileList | null) => setFiles(list ? Array.from(list) : []);
  const running = s.status === 'running';
  return (
    <section
      className="panel series-panel"
      aria-labelledby="series-heading"
      data-testid="series-panel"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        // Several checkpoints dropped on the panel are its files.
        e.preventDefault();
        e.stopPropagation();
        if (!running) pick(e.dataTransfer.files);
      }}
    >
      <h2 id="series-heading">Checkpoint series</h2>
      <p className="hint">
        Checkpoints of one training, dropped here together, picked, or as a folder: the information abundance of each field at every checkpoint, ordered by the
        step in the file names (model_step1200.pt, epoch=3-step=4500.ckpt) or as picked.
      </p>
      <div className="series-form">
        <label>
          Checkpoints <input type="file" multiple data-testid="series-files" disabled={running} onChange={(e) => pick(e.currentTarget.files)} />
        </label>
        <label>
          or a folder <input type="file" {...FOLDER} data-testid="series-folder" disabled={running} onChange={(e) => pick(e.currentTarget.files)} />
        </label>
        <label>
          Field sizes (optional){' '}
          <input
            type="text"
            value={fieldDimsText}
            placeholder="e.g. 3, 12, 7, 20"
            data-testid="series-field-dims"
            onChange={(e) => setFieldDimsText(e.currentTarget.value)}
          />
        </label>
        <label>
          <input type="checkbox" checked={keepPicked} onChange={(e) => setKeepPicked(e.currentTarget.checked)} /> keep the order picked
        </label>
        {running ? (
          <button type="button" className="secondary" data-testid="series-cancel" onClick={() => controller.cancel()}>
            Cancel ({s.done} of {s.names.length} read)
          </button>
        ) : (
          <button type="button" data-testid="series-run" disabled={files.length < 2} onClick={() => void controller.run(files, { fieldDimsText, keepPicked })}>
            Analyse {files.length >= 2 ? `${files.length} checkpoints` : 'the series'}
          </button>
        )}
      </div>
      {s.error && (
        <p className="error-text" role="alert" data-testid="series-error">
          {s.error.message} {s.error.fix}
        </p>
      )}
      {s.order && s.names.length > 0 && (
        <p className="muted small-print" data-testid="series-order">
          {s.order.by === 'name' ? 'Ordered by the step in the names' : `In the order picked${s.order.why ? ` (${s.order.why})` : ''}`}:{' '}
          {s.names.map((n, i) => `${n} (${s.order!.by === 'name' ? 'step ' : '#'}${s.order!.steps[i]})`).join(', ')}. Tables: {s.tensors.join(', ') || '…'}
          {s.fieldDims ? `, split into ${s.fieldDims.length} fields` : ''}.
        </p>
      )}
      {s.snapshots.length >= 2 && (
        <>
          <ChartFigure testId="series-ia-chart" filename="checkpoint-series-ia" render={draw} />
          <DataExport
            filename="checkpoint-series-ia"
            table={() => seriesTable(iaSeries(s.snapshots), xLabel, 'information_abundance')}
            json={() =>
              s.snapshots.map((x) => ({
                step: x.step,
                source: x.source,
                fields: x.fields.map((f) => ({ name: f.name, information_abundance: f.information_abundance })),
              }))
            }
          />
          <table className="field-table" data-testid="series-trends">
            <caption>IA per field, first and last checkpoint{dim ? ` (K = ${dim})` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">field</th>
                <th scope="col">first</th>
                <th scope="col">last</th>
                <th scope="col">change</th>
              </tr>
            </thead>
            <tbody>
              {trends.map((t) => (
                <tr key={t.name} data-testid="series-trend" data-field={t.name} data-last={t.last}>
                  <th scope="row">{t.name}</th>
                  <td className="num">{t.first.toFixed(3)}</td>
                  <td className="num">{t.last.toFixed(3)}</td>
                  <td className="num">{(t.last - t.first >= 0 ? '+' : '') + (t.last - t.first).toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
