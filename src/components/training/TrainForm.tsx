import type { ReactNode } from 'react';
import { MODEL_KINDS } from '../../contracts/modelConfig.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { SettingInput } from '../SettingInput.tsx';
import { TRAINING_SETTINGS } from '../../state/trainingSettings.ts';
import { FILE_DATASET } from '../../state/trainingController.ts';
import type { TrainingForm as Form } from '../../state/trainingSlice.ts';
import type { BackendName, TrainingRate } from '../../contracts/backend.ts';
import { DatasetDetectionNote } from './DatasetDetectionNote.tsx';
import { formatCount } from './formatCount.ts';
import { useTrainingController } from '../runControllersContext.ts';
import { modelName } from '../../contracts/modelNames.ts';

const trainingRateText = (r: TrainingRate) =>
  r.error ? 'failed' : `${r.timedOut ? '< ' : ''}${formatCount(Math.round(r.samplesPerSecond))} samples/s${r.timedOut ? ' (first step too slow)' : ''}`;

type NumberSetting = { [P in keyof Form]: Form[P] extends number ? P : never }[keyof Form];

function NumberInput({ setting, testId, disabled }: { setting: NumberSetting; testId?: string; disabled: boolean }) {
  const value = useStudioStore((s) => s.trainingForm[setting]);
  const set = useStudioStore((s) => s.setTrainingForm);
  return <SettingInput setting={TRAINING_SETTINGS[setting]} value={value} onChange={(v) => set({ [setting]: v })} testId={testId} disabled={disabled} />;
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
  const activeReport = backend?.reports.find((r) => r.name === backend.active);
  const fallback = activeReport?.isFallbackAdapter;
  const threads = activeReport?.threads;
  const probing = useStudioStore((s) => s.trainingProbing);
  const rate = backend?.training?.rates.find((r) => r.name === backend.active && !r.error && !r.timedOut)?.samplesPerSecond;

  return (
    <section className="panel train-form" aria-labelledby="train-form-heading">
      <h2 id="train-form-heading">Train a CTR model</h2>
      <label className="field">
        <span>{TRAINING_SETTINGS.datasetId.label}</span>
        <select data-testid="dataset-select" value={form.datasetId} disabled={locked} onChange={(e) => c.chooseDataset(e.target.value)}>
          {index.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
          <option value={FILE_DATASET}>{file ? `Dropped file: ${file.name}` : 'Your own file (choose below)…'}</option>
        </select>
      </label>
      {entry && (
        <p className="hint" data-testid="dataset-description">
          {entry.description}
        </p>
      )}
      <label className="field">
        <span>Or a CTR file: CSV with a header (label, clk or click), Criteo, Avazu, MovieLens</span>
        <input
          type="file"
          data-testid="dataset-file"
          accept=".txt,.tsv,.csv,.data,.rlctr"
          disabled={locked}
          onChange={(e) => e.target.files?.[0] && c.pickDatasetFile(e.target.files[0])}
        />
      </label>
      {loading && (
        <p className="hint load-status" role="status">
          <span data-testid="dataset-load-status">
            {entry?.format === 'generated' ? 'Generating the dataset in your browser…' : 'Loading dataset…'}{' '}
            {load.bytesTotal > 0 ? `${Math.round((100 * load.bytesDone) / load.bytesTotal)}\u00a0%` : ''}
          </span>{' '}
          <button type="button" data-testid="cancel-load-button" onClick={() => c.cancelDatasetLoad()}>
            Cancel
          </button>
        </p>
      )}
      {load.phase === 'error' && (
        <p className="error-text" role="alert">
          {load.error}
        </p>
      )}
      {load.phase === 'ready' && load.summary && (
        <p className="hint" data-testid="dataset-summary">
          {load.summary.fields.length} fields · {formatCount(load.summary.rows.train)} train / {formatCount(load.summary.rows.valid)} valid /{' '}
          {formatCount(load.summary.rows.test)} test rows
        </p>
      )}
      {load.phase === 'ready' && load.summary?.detection && <DatasetDetectionNote detection={load.summary.detection} />}

      <label className="field">
        <span>{TRAINING_SETTINGS.kind.label}</span>
        <select data-testid="model-select" value={form.kind} disabled={locked} onChange={(e) => c.chooseModel(e.target.value as Form['kind'])}>
          {MODEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {modelName(k)}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="form-group">
        <legend>Embedding</legend>
        <Row>
          <NumberInput setting="sets" testId="embedding-sets-input" disabled={locked} />
          <NumberInput setting="dim" testId="embedding-dim-input" disabled={locked} />
          <NumberInput setting="sizeMultiplier" disabled={locked} />
        </Row>
        <p className="hint">
          M = 1 is a single embedding. Each set has dim {form.dim * form.sizeMultiplier};{' '}
          {form.sets > 1 ? `${form.sets} sets, each with its own interaction and first MLP layer.` : 'one table (single embedding).'}
        </p>
      </fieldset>
      <fieldset className="form-group">
        <legend>Training</legend>
        <div className="train-buttons preset-buttons" role="group" aria-label="Training presets">
          <button type="button" className="small" data-testid="preset-dataset" disabled={locked} onClick={() => c.applyTrainPreset('dataset')}>
            {entry?.trainDefaults ? "This dataset's defaults" : 'Studio defaults'}
          </button>
          <button
            type="button"
            className="small"
            data-testid="preset-published"
            disabled={locked}
            title="The published Multi-Embedding setup: Adam 1e-3, weight decay 1e-6, batch 2048, MLP 400-400, dropout 0.2, 10 epochs"
            onClick={() => c.applyTrainPreset('published')}
          >
            Published setup
          </button>
        </div>
        <label className="field compact">
          <span>{TRAINING_SETTINGS.mlp.label}</span>
          <input
            type="text"
            value={form.mlp}
            disabled={locked}
            pattern="\d+(-\d+)*"
            onChange={(e) => e.target.value !== '' && TRAINING_SETTINGS.mlp.field.parse(e.target.value) !== null && set({ mlp: e.target.value })}
          />
        </label>
        <Row>
          <NumberInput setting="lr" disabled={locked} />
          <NumberInput setting="weightDecay" disabled={locked} />
          <NumberInput setting="dropout" testId="dropout-input" disabled={locked} />
        </Row>
        <Row>
          <NumberInput setting="batchSize" disabled={locked} />
          <NumberInput setting="epochs" disabled={locked} />
          <NumberInput setting="patience" testId="patience-input" disabled={locked} />
        </Row>
        <Row>
          <NumberInput setting="seed" disabled={locked} />
          <NumberInput setting="evalEvery" disabled={locked} />
          <NumberInput setting="spectrumEvery" disabled={locked} />
        </Row>
      </fieldset>

      <div className="train-buttons">
        <button type="button" className="primary" data-testid="train-button" disabled={locked} onClick={() => void c.train()}>
          Train
        </button>
        <button type="button" data-testid="pause-button" disabled={!live} onClick={() => (status === 'paused' ? c.resume() : c.pause())}>
          {status === 'paused' ? 'Resume' : 'Pause'}
        </button>
        <button type="button" data-testid="step-button" disabled={status !== 'paused'} onClick={() => c.step()}>
          Step
        </button>
        <button type="button" data-testid="stop-button" disabled={!live} onClick={() => c.stop()}>
          Stop
        </button>
      </div>

      <label className="field">
        <span>
          Training backend{' '}
          <span
            className={`badge ${fallback ? 'warn' : ''}`}
            data-testid="train-backend"
            data-backend={backend?.active ?? ''}
            data-probing={String(probing)}
            data-threads={threads ?? ''}
            title="The tfjs backend this tab's runs train on (the header's badge is the analysis worker's)"
          >
            {backend
              ? `${backend.active}${fallback ? ' (software)' : ''}${threads ? ` · ${threads} thread${threads > 1 ? 's' : ''}` : ''}${rate ? ` · ${formatCount(Math.round(rate))} samples/s` : ''}`
              : 'starting…'}
            {probing ? ' · probing…' : ''}
          </span>
        </span>
        <select
          data-testid="train-backend-select"
          value={backend?.active ?? ''}
          disabled={!backend || locked || probing}
          onChange={(e) => void c.switchBackend(e.target.value as BackendName)}
        >
          {!backend && <option value="">starting…</option>}
          {backend?.reports.map((r) => {
            const measured = backend.training?.rates.find((x) => x.name === r.name);
            return (
              <option key={r.name} value={r.name} disabled={!r.available}>
                {r.name}
                {!r.available ? ' (unavailable)' : measured ? ` · ${trainingRateText(measured)}` : ''}
                {r.isFallbackAdapter ? ' · software' : ''}
              </option>
            );
          })}
        </select>
      </label>
      <p className="hint" data-testid="train-backend-probe">
        {probing
          ? 'Timing a few training steps of this model on each backend; Train waits for it and trains on the fastest.'
          : backend?.training
            ? `${backend.pinned ? `Picked by hand. ` : ''}Probe: ${backend.training.workload}: ${backend.training.rates.map((r) => `${r.name} ${trainingRateText(r)}`).join(', ')}. Runs train on the fastest, and keep one backend to the end.`
            : 'Training speed is timed on each backend (a few real steps of the model) before the first run.'}
      </p>
    </section>
  );
}
