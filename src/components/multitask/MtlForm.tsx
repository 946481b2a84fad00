import type { ChangeEvent } from 'react';
import { MTL_FILE_DATASET, type MultitaskForm } from '../../state/multitaskSlice.ts';
import { MTL_ALTERNATIVES, MTL_MODEL_KINDS } from '../../contracts/multitaskConfig.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { SettingInput } from '../SettingInput.tsx';
import { MULTITASK_SETTINGS } from '../../state/multitaskSettings.ts';
import type { MtlAlternative, MtlModelKind } from '../../contracts/multitaskConfig.ts';
import { ARM_LABELS } from '../../state/multitaskController.ts';
import { useMultitaskController } from '../runControllersContext.ts';

const MODEL_LABELS: Record<MtlModelKind, string> = { 'shared-bottom': 'Shared-bottom', mmoe: 'MMoE', ple: 'PLE', stem: 'STEM-Net (task slices)' };

type NumberSetting = { [P in keyof MultitaskForm]: MultitaskForm[P] extends number ? P : never }[keyof MultitaskForm];

function NumberField({ setting }: { setting: NumberSetting }) {
  const value = useStudioStore((s) => s.mtlForm[setting]);
  const setForm = useStudioStore((s) => s.setMtlForm);
  return <SettingInput setting={MULTITASK_SETTINGS[setting]} value={value} onChange={(v) => setForm({ [setting]: v })} />;
}

/** Dataset, model, optimiser comparison and hyperparameters, with train / pause / stop. */
export function MtlForm() {
  const c = useMultitaskController();
  const form = useStudioStore((s) => s.mtlForm);
  const setForm = useStudioStore((s) => s.setMtlForm);
  const datasets = useStudioStore((s) => s.mtlDatasets);
  const data = useStudioStore((s) => s.mtlDataset);
  const setData = useStudioStore((s) => s.setMtlDataset);
  const run = useStudioStore((s) => s.mtlRun);
  const busy = run?.status === 'running' || run?.status === 'paused' || run?.status === 'loading';
  const set = (patch: Partial<MultitaskForm>) => setForm(patch);

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void c.pickCsv(file);
    e.target.value = '';
  };
  const toggleLabel = (col: string) =>
    setData({ labelColumns: data.labelColumns.includes(col) ? data.labelColumns.filter((x) => x !== col) : [...data.labelColumns, col] });

  return (
    <section className="panel mtl-form" aria-label="Multi-task settings">
      <h2>Multi-task training</h2>
      <label className="field">
        {MULTITASK_SETTINGS.datasetId.label}
        <select data-testid="mtl-dataset-select" value={form.datasetId} disabled={busy} onChange={(e) => void c.selectDataset(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
          {data.file && <option value={MTL_FILE_DATASET}>{data.file.name}</option>}
        </select>
      </label>
      <label className="field compact">
        Or a multi-label CSV / TSV (user, item, … and 0/1 label columns)
        <input type="file" accept=".csv,.tsv,.txt" disabled={busy} onChange={onFile} data-testid="mtl-csv-input" />
      </label>
      {data.preview && form.datasetId === MTL_FILE_DATASET && (
        <fieldset className="mtl-labels">
          <legend>Label columns, in task order (task A, task B, …)</legend>
          {data.preview.binary.length === 0 && <p className="warn-text">No column of {data.preview.fileName} holds only 0 and 1.</p>}
          {data.preview.binary.map((col) => (
            <label key={col}>
              <input type="checkbox" checked={data.labelColumns.includes(col)} onChange={() => toggleLabel(col)} />
              {col}
              {data.labelColumns.includes(col) && <span className="muted"> (task {String.fromCharCode(65 + data.labelColumns.indexOf(col))})</span>}
            </label>
          ))}
          <p className="hint">
            Every other column ({data.preview.header.filter((h) => !data.labelColumns.includes(h)).join(', ')}) becomes a categorical field.
          </p>
          <button type="button" className="secondary small" disabled={data.labelColumns.length === 0 || busy} onClick={() => void c.loadCsv()}>
            Load with these labels
          </button>
        </fieldset>
      )}
      <p className="hint mtl-dataset-state" data-testid="mtl-dataset-state" data-phase={data.phase}>
        {data.phase === 'loading' && 'Loading…'}
        {data.phase === 'error' && (
          <span className="warn-text">
            {data.error?.message} {data.error?.fix}
          </span>
        )}
        {data.phase === 'ready' && data.summary && (
          <>
            {data.summary.rows.train.toLocaleString()} training rows · tasks{' '}
            {data.summary.tasks.map((t, k) => `${t} (${(100 * data.summary!.positiveRates[k]).toFixed(1)} % positive)`).join(', ')} · fields{' '}
            {data.summary.fields.map((f) => f.name).join(', ')} · comparable test samples {(100 * data.summary.comparableShare).toFixed(0)} %
          </>
        )}
      </p>
      <div className="mtl-row">
        <label className="field compact">
          {MULTITASK_SETTINGS.model.label}
          <select data-testid="mtl-model-select" value={form.model} disabled={busy} onChange={(e) => set({ model: e.target.value as MtlModelKind })}>
            {MTL_MODEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {MODEL_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="field compact" title="Trained side by side with Adam, same data, same seed, stepped alternately">
          {MULTITASK_SETTINGS.alternative.label}
          <select
            data-testid="mtl-optimizer-select"
            value={form.alternative}
            disabled={busy}
            onChange={(e) => set({ alternative: e.target.value as MtlAlternative })}
          >
            {MTL_ALTERNATIVES.map((k) => (
              <option key={k} value={k}>
                {ARM_LABELS(k).alt}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="mtl-row">
        <NumberField setting="beta" />
        <NumberField setting="lr" />
      </div>
      <div className="mtl-row">
        <NumberField setting="batchSize" />
        <NumberField setting="steps" />
        <NumberField setting="seed" />
      </div>
      <div className="mtl-buttons">
        <button type="button" data-testid="mtl-train-button" disabled={busy || data.phase !== 'ready'} onClick={() => void c.train()}>
          Train both
        </button>
        {run?.status === 'paused' ? (
          <button type="button" className="secondary" onClick={c.resume}>
            Resume
          </button>
        ) : (
          <button type="button" className="secondary" data-testid="mtl-pause-button" disabled={run?.status !== 'running'} onClick={c.pause}>
            Pause
          </button>
        )}
        <button type="button" className="danger" data-testid="mtl-stop-button" disabled={!busy} onClick={c.stop}>
          Stop
        </button>
      </div>
      <MtlStatusLine />
    </section>
  );
}

function MtlStatusLine() {
  const c = useMultitaskController();
  const run = useStudioStore((s) => s.mtlRun);
  const step = run?.step ?? 0;
  return (
    <div className="mtl-status" data-testid="mtl-status" data-step={step} data-status={run?.status ?? 'idle'} role="status" aria-live="polite">
      <span className={`status-pill status-${run?.status ?? 'idle'}`}>{run?.status ?? 'idle'}</span>
      {run && (
        <span>
          step {step} / {run.form.steps} · epoch {run.epoch} · {run.stepsPerSecond.toFixed(1)} steps/s per optimiser{run.backend && ` · ${run.backend}`}
        </span>
      )}
      {run?.message && <span className={run.status === 'interrupted' ? 'muted' : 'warn-text'}>{run.message}</span>}
      {run?.status === 'interrupted' && run.savedStep !== undefined && (
        <button type="button" className="primary small" data-testid="mtl-resume" onClick={() => void c.resumeRun()}>
          Resume from step {run.savedStep}
        </button>
      )}
    </div>
  );
}
