import type { ChangeEvent } from 'react';
import { SEQUENCE_MODEL_KINDS, type SequenceModelKind } from '../../contracts/sequence.ts';
import { modelName } from '../../contracts/modelNames.ts';
import { SEQUENCE_SETTINGS } from '../../state/sequenceSettings.ts';
import { SEQ_FILE_DATASET, type SequenceForm } from '../../state/sequenceSlice.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { useSequenceController } from '../runControllersContext.ts';
import { SettingInput } from '../SettingInput.tsx';

const MODEL_HINTS: Record<SequenceModelKind, string> = {
  din: 'target attention over the whole history',
  twin: 'search the top-k by attention score, then attend over them (one table)',
  dare: 'TWIN with separate attention and representation tables',
  tin: 'target-aware temporal encoding and representation',
};

type NumberSetting = { [P in keyof SequenceForm]-?: SequenceForm[P] extends number ? P : never }[keyof SequenceForm];

function NumberField({ setting, disabled }: { setting: NumberSetting; disabled: boolean }) {
  const value = useStudioStore((s) => s.seqForm[setting]);
  const setForm = useStudioStore((s) => s.setSeqForm);
  return (
    <SettingInput
      setting={SEQUENCE_SETTINGS[setting]}
      value={value}
      disabled={disabled}
      testId={`seq-${setting}`}
      onChange={(v) => setForm({ [setting]: v })}
    />
  );
}

function DatasetState() {
  const data = useStudioStore((s) => s.seqDataset);
  const c = useSequenceController();
  const p = data.progress;
  return (
    <div className="hint seq-dataset-state" data-testid="seq-dataset-state" data-phase={data.phase} role="status" aria-live="polite">
      {data.phase === 'loading' && (
        <>
          <span>
            {data.generated ? `Generating ${data.key} (${data.generated.users.toLocaleString('en')} users)` : `Reading ${data.key}`}
            {p && ` · ${p.phase}${p.total > 0 ? ` ${Math.round((100 * p.done) / p.total)} %` : ''}`}…
          </span>{' '}
          {p && p.total > 0 && <progress max={p.total} value={p.done} />}
          <button type="button" className="ghost small" data-testid="seq-cancel-load" onClick={c.stop}>
            Cancel
          </button>
        </>
      )}
      {data.phase === 'error' && (
        <span className="warn-text">
          {data.error?.message} {data.error?.fix}
        </span>
      )}
      {data.phase === 'ready' && data.error && (
        <span className="warn-text" data-testid="seq-kept-dataset">
          {data.error.message} {data.error.fix} The dataset loaded before is kept.{' '}
        </span>
      )}
      {data.phase === 'ready' && data.summary && (
        <span>
          {data.summary.rows.train.toLocaleString()} training and {data.summary.rows.test.toLocaleString()} test samples ·{' '}
          {(100 * data.summary.positiveRate).toFixed(1)} % positive · {data.summary.categories.toLocaleString()} categories,{' '}
          {data.summary.items.toLocaleString()} items · histories of {data.summary.meanHistory.toFixed(0)} behaviours on average (
          {data.generated && data.generated.keptHistory < data.generated.fullHistory
            ? `the most recent ${data.summary.maxHistory}, the history length, kept of up to ${data.generated.fullHistory}`
            : `at most ${data.summary.maxHistory}`}
          ){data.summary.bayesAuc !== undefined && ` · Bayes test AUC ${data.summary.bayesAuc.toFixed(3)}`}
        </span>
      )}
    </div>
  );
}

/** A generated built-in dataset's size: the users it offers (and a link's other number, as given). */
function UsersField({ busy }: { busy: boolean }) {
  const c = useSequenceController();
  const users = useStudioStore((s) => s.seqForm.users);
  const entry = useStudioStore((s) => s.seqDatasets.find((d) => d.id === s.seqForm.datasetId));
  if (!entry?.generator) return null;
  const sizes = entry.sizes ?? [];
  const choices = sizes.some((z) => z.users === users) ? sizes : [...sizes, { users, rows: NaN, bayesTestAuc: NaN }].sort((a, b) => a.users - b.users);
  return (
    <label className="field compact" title={SEQUENCE_SETTINGS.users.hint}>
      {SEQUENCE_SETTINGS.users.label} (generated in your browser)
      <select data-testid="seq-users-select" value={users} disabled={busy} onChange={(e) => void c.selectUsers(Number(e.target.value))}>
        {choices.map((z) => (
          <option key={z.users} value={z.users}>
            {z.users.toLocaleString('en')} users{Number.isFinite(z.bayesTestAuc) ? ` · Bayes AUC ${z.bayesTestAuc.toFixed(3)}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Dataset, model and settings, with Train / Compare / Sweep and the run controls. */
export function SeqForm() {
  const c = useSequenceController();
  const form = useStudioStore((s) => s.seqForm);
  const setForm = useStudioStore((s) => s.setSeqForm);
  const datasets = useStudioStore((s) => s.seqDatasets);
  const data = useStudioStore((s) => s.seqDataset);
  const queue = useStudioStore((s) => s.seqQueue);
  const live = useStudioStore((s) => s.seqRuns.find((r) => r.status === 'running' || r.status === 'paused' || r.status === 'loading'));
  const busy = queue !== null || live !== undefined;
  const ready = data.phase === 'ready' && !busy;

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void c.pickFile(file);
    e.target.value = '';
  };

  return (
    <section className="panel seq-form" aria-label="Sequence settings">
      <h2>Behaviour sequences</h2>
      <label className="field">
        {SEQUENCE_SETTINGS.datasetId.label}
        <select data-testid="seq-dataset-select" value={form.datasetId} disabled={busy} onChange={(e) => void c.selectDataset(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
          {data.file && <option value={SEQ_FILE_DATASET}>{data.file.name}</option>}
        </select>
      </label>
      <UsersField busy={busy} />
      <label className="field compact">
        Or a file: Taobao UserBehavior.csv, a sequence-sample CSV, or a CTR CSV with a click_sequence column
        <input type="file" accept=".csv,.txt,.gz" disabled={busy} onChange={onFile} data-testid="seq-file-input" />
      </label>
      <DatasetState />
      <div className="mtl-row">
        <label className="field compact" title={MODEL_HINTS[form.model]}>
          {SEQUENCE_SETTINGS.model.label}
          <select data-testid="seq-model-select" value={form.model} disabled={busy} onChange={(e) => setForm({ model: e.target.value as SequenceModelKind })}>
            {SEQUENCE_MODEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {modelName(k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint">
        {modelName(form.model)}: {MODEL_HINTS[form.model]}.
      </p>
      <div className="mtl-row">
        <NumberField setting="dim" disabled={busy} />
        <NumberField setting="attentionDim" disabled={busy} />
        <NumberField setting="topK" disabled={busy} />
      </div>
      <div className="mtl-row">
        <NumberField setting="historyLength" disabled={busy} />
        <NumberField setting="lr" disabled={busy} />
        <NumberField setting="batchSize" disabled={busy} />
      </div>
      <div className="mtl-row">
        <NumberField setting="epochs" disabled={busy} />
        <NumberField setting="seed" disabled={busy} />
        <NumberField setting="seeds" disabled={busy} />
      </div>
      <div className="mtl-buttons">
        <button type="button" data-testid="seq-train-button" disabled={!ready} onClick={() => void c.train()}>
          Train {modelName(form.model)}
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="seq-compare-button"
          disabled={!ready}
          title="TWIN, then DARE, for each seed"
          onClick={() => void c.compare()}
        >
          TWIN vs DARE{form.seeds > 1 ? ` × ${form.seeds} seeds` : ''}
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="seq-sweep-button"
          disabled={!ready}
          title="DARE with its attention table at the embedding dim, 1/2 and 1/4 of it"
          onClick={() => void c.sweep()}
        >
          Attention-dim sweep
        </button>
      </div>
      <div className="mtl-buttons">
        {live?.status === 'paused' ? (
          <button type="button" className="secondary" onClick={c.resume}>
            Resume
          </button>
        ) : (
          <button type="button" className="secondary" data-testid="seq-pause-button" disabled={live?.status !== 'running'} onClick={c.pause}>
            Pause
          </button>
        )}
        <button type="button" className="danger" data-testid="seq-stop-button" disabled={!busy} onClick={c.stop}>
          Stop
        </button>
        {queue && (
          <span className="muted" data-testid="seq-queue">
            {queue.label}: run {Math.min(queue.total, queue.done + 1)} of {queue.total}
          </span>
        )}
      </div>
    </section>
  );
}
