import type { ChangeEvent, ReactNode } from 'react';
import { MODEL_KINDS } from '../../contracts/modelConfig.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { FILE_DATASET } from '../../state/trainingController.ts';
import type { TrainingForm as Form } from '../../state/trainingSlice.ts';
import type { BackendName } from '../../contracts/backend.ts';
import { formatCount } from './formatCount.ts';
import { useTrainingController } from '../runControllersContext.ts';
import { modelName } from '../../contracts/modelNames.ts';

function NumberInput({ label, field, min, max, step, testId, disabled }: { label: string; field: keyof Form; min: number; max?: number; step?: number | 'any'; testId?: string; disabled: boolean }) {
  const value = useStudioStore((s) => s.trainingForm[field]);
  const set = useStudioStore((s) => s.setTrainingForm);
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const v = Number(e.target.value);
    if (e.target.value !== '' && Number.isFinite(v) && v >= min && (max === undefined || v <= max)) set({ [field]: v } as Partial<Form>);
  };
  return (
    <label className="field compact">
      <span>{label}</span>
      <input type="number" data-testid={testId} defaultValue={String(value)} key={String(value)} min={min} max={max} step={step ?? 1} disabled={disabled} onChange={onChange} />
    </label>
  );
}

function Row({ children }: { children: ReactNode }) {
  return <div className="form-row">{children}</div>;
}

/** Dataset, model, embedding and optimiser settings, the run buttons and the backend choice. */
export function TrainForm() {
  const c = useTrainingController();
  const form = useStudioStore((s) => s.trainingForm);
  const set = useStudioStore((s) => s.setTrainingForm);
  const index = useStudioStore((s) => s.datasetIndex);
  const entry = index.find((d) => d.id === form.datasetId);
  const file = useStudioStore((s) => s.datasetFile);
  const load = useStudioStore((s) => s.datasetLoad);
  const backend = useStudioStore((s) => s.trainingBackend);
  // The status only: the run object changes with every training event, its status rarely.
  const status = useStudioStore((s) => s.trainingRuns.find((r) => r.id === s.activeRunId)?.status);
  const scaling = useStudioStore((s) => s.scaling.phase === 'running');
  const live = status === 'running' || status === 'paused';
  const loading = load.phase === 'loading';
  const locked = live || scaling || loading;
  const fallback = backend?.reports.find((r) => r.name === backend.active)?.isFallbackAdapter;

  return (
    <section className="panel train-form" aria-labelledby="train-form-heading">
      <h2 id="train-form-heading">Train a CTR model</h2>
      <label className="field">
        <span>Dataset</span>
        <select data-testid="dataset-select" value={form.datasetId} disabled={locked} onChange={(e) => set({ datasetId: e.target.value })}>
          {index.map((d) => (
            <option key={d.id} value={d.id}>{d.name}</option>
          ))}
          <option value={FILE_DATASET}>{file ? `Dropped file: ${file.name}` : 'Your own file (choose below)…'}</option>
        </select>
      </label>
      {entry && <p className="hint" data-testid="dataset-description">{entry.description}</p>}
      <label className="field">
        <span>Or a Criteo / Avazu / MovieLens file</span>
        <input type="file" data-testid="dataset-file" accept=".txt,.tsv,.csv,.data,.rlctr" disabled={locked} onChange={(e) => e.target.files?.[0] && c.pickDatasetFile(e.target.files[0])} />
      </label>
      {loading && (
        <p className="hint load-status" role="status">
          <span data-testid="dataset-load-status">
            {entry?.format === 'generated' ? 'Generating the dataset in your browser…' : 'Loading dataset…'} {load.bytesTotal > 0 ? `${Math.round((100 * load.bytesDone) / load.bytesTotal)}\u00a0%` : ''}
          </span>{' '}
          <button type="button" data-testid="cancel-load-button" onClick={() => c.cancelDatasetLoad()}>Cancel</button>
        </p>
      )}
      {load.phase === 'error' && <p className="error-text" role="alert">{load.error}</p>}
      {load.phase === 'ready' && load.summary && (
        <p className="hint" data-testid="dataset-summary">
          {load.summary.fields.length} fields · {formatCount(load.summary.rows.train)} train / {formatCount(load.summary.rows.valid)} valid / {formatCount(load.summary.rows.test)} test rows
        </p>
      )}

      <label className="field">
        <span>Model</span>
        <select data-testid="model-select" value={form.kind} disabled={locked} onChange={(e) => set({ kind: e.target.value as Form['kind'] })}>
          {MODEL_KINDS.map((k) => <option key={k} value={k}>{modelName(k)}</option>)}
        </select>
      </label>
      <fieldset className="form-group">
        <legend>Embedding</legend>
        <Row>
          <NumberInput label="Sets M" field="sets" min={1} max={16} testId="embedding-sets-input" disabled={locked} />
          <NumberInput label="Dim" field="dim" min={1} max={256} testId="embedding-dim-input" disabled={locked} />
          <NumberInput label="Size x" field="sizeMultiplier" min={1} max={10} disabled={locked} />
        </Row>
        <p className="hint">M = 1 is a single embedding. Each set has dim {form.dim * form.sizeMultiplier}; {form.sets > 1 ? `${form.sets} sets, each with its own interaction and first MLP layer.` : 'one table (single embedding).'}</p>
      </fieldset>
      <fieldset className="form-group">
        <legend>Training</legend>
        <label className="field compact">
          <span>MLP widths</span>
          <input type="text" value={form.mlp} disabled={locked} pattern="\d+(-\d+)*" onChange={(e) => /^\d+(-\d+)*$/.test(e.target.value) && set({ mlp: e.target.value })} />
        </label>
        <Row>
          <NumberInput label="Learning rate" field="lr" min={1e-6} max={1} step="any" disabled={locked} />
          <NumberInput label="Weight decay" field="weightDecay" min={0} max={1} step="any" disabled={locked} />
        </Row>
        <Row>
          <NumberInput label="Batch" field="batchSize" min={1} max={65536} disabled={locked} />
          <NumberInput label="Epochs" field="epochs" min={1} max={1000} disabled={locked} />
          <NumberInput label="Patience" field="patience" min={0} max={100} disabled={locked} />
        </Row>
        <Row>
          <NumberInput label="Seed" field="seed" min={0} disabled={locked} />
          <NumberInput label="Eval every" field="evalEvery" min={0} disabled={locked} />
          <NumberInput label="Snapshot / steps" field="spectrumEvery" min={0} disabled={locked} />
        </Row>
      </fieldset>

      <div className="train-buttons">
        <button type="button" className="primary" data-testid="train-button" disabled={locked} onClick={() => void c.train()}>Train</button>
        <button type="button" data-testid="pause-button" disabled={!live} onClick={() => (status === 'paused' ? c.resume() : c.pause())}>
          {status === 'paused' ? 'Resume' : 'Pause'}
        </button>
        <button type="button" data-testid="step-button" disabled={status !== 'paused'} onClick={() => c.step()}>Step</button>
        <button type="button" data-testid="stop-button" disabled={!live} onClick={() => c.stop()}>Stop</button>
      </div>

      <label className="field">
        <span>
          Backend{' '}
          <span className={`badge ${fallback ? 'warn' : ''}`} data-testid="train-backend" data-backend={backend?.active ?? ''}>
            {backend ? `${backend.active}${fallback ? ' (software)' : ''}` : 'probing…'}
          </span>
        </span>
        <select data-testid="train-backend-select" value={backend?.active ?? ''} disabled={!backend || locked} onChange={(e) => void c.switchBackend(e.target.value as BackendName)}>
          {!backend && <option value="">probing…</option>}
          {backend?.reports.map((r) => (
            <option key={r.name} value={r.name} disabled={!r.available}>
              {r.name}
              {r.available ? (r.probeMs !== undefined ? ` · ${r.probeMs.toFixed(0)} ms probe` : '') : ' (unavailable)'}
              {r.isFallbackAdapter ? ' · software' : ''}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">The fastest measured backend is chosen first; a software WebGPU adapter never wins on speed.</p>
    </section>
  );
}
