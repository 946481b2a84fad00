import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_MAX_DIM, MAX_DIM_CEILING } from '../analysis/dimensionLimit.ts';
import type { SpectrumMode, TensorInfo } from '../contracts/tables.ts';
import { optimizerStateNote, ROLE_LABELS } from '../data/checkpointLayout.ts';
import { parseFieldDimsText } from '../state/fieldDims.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { useController } from './controllerContext.ts';
import { formatBytes, formatRows, formatShape } from './format.ts';
import { MODE_LABELS } from './modeLabels.ts';

/** Above this many tensors (a model checkpoint), the list gets a filter and bulk ticks. */
const FILTER_FROM = 8;

/** A short check of the typed field_dims against the selected tensor's row count. */
function fieldDimsHint(text: string, rows: number | undefined): { text: string; ok: boolean } | null {
  if (text.trim() === '') return null;
  try {
    const dims = parseFieldDimsText(text);
    if (!dims) return null;
    const sum = dims.reduce((a, b) => a + b, 0);
    if (rows === undefined || rows < 0) return { text: `${dims.length} fields, ${formatRows(sum)} rows`, ok: true };
    return sum === rows
      ? { text: `${dims.length} fields, ${formatRows(sum)} rows ✓`, ok: true }
      : { text: `${dims.length} fields sum to ${formatRows(sum)} rows; the tensor has ${formatRows(rows)}`, ok: false };
  } catch (e) {
    return { text: (e as Error).message, ok: false };
  }
}

/** The dialog's sentence for an optimiser-state file. */
function optimizerSentence(tensors: readonly TensorInfo[]): string {
  const text = optimizerStateNote(tensors);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the file holds, and the choices for its analysis. */
export function ImportDialog() {
  const controller = useController();
  const flow = useStudioStore((s) => s.flow);
  const setFlow = useStudioStore((s) => s.setFlow);
  const analyzeRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLElement>(null);
  const shownFor = useRef<unknown>(null);
  // The filter belongs to the file it was typed for: a new file starts unfiltered.
  const [typed, setTyped] = useState({ file: '', text: '' });
  const [typedMaxDim, setTypedMaxDim] = useState({ file: '', text: '' });
  const { inspected, phase } = flow;
  const filter = typed.file === inspected?.source ? typed.text : '';
  const busy = phase === 'analysing';

  useEffect(() => {
    // Enter analyses, but the view shows the dialog's head: what the file is (optimizer state, sets, a
    // concatenated table) is said there, and focusing the button scrolled it out of sight.
    // Once per file: after a failed analysis the error banner above the dialog is what must stay in view.
    if (phase !== 'choosing') return;
    analyzeRef.current?.focus({ preventScroll: true });
    if (shownFor.current === inspected) return;
    shownFor.current = inspected;
    dialogRef.current?.scrollIntoView?.({ block: 'start' });
  }, [phase, inspected]);

  // One tensor, or embedding sets of equal rows that one split cuts alike.
  const selectedRows = useMemo(() => {
    if (!inspected || flow.tensorChoice.length === 0) return undefined;
    const rows = new Set(flow.tensorChoice.map((name) => inspected.tensors.find((t) => t.name === name)?.shape[0]));
    return rows.size === 1 ? [...rows][0] : undefined;
  }, [inspected, flow.tensorChoice]);
  const hint = fieldDimsHint(flow.fieldDimsText, selectedRows);
  const widest = useMemo(() => {
    const dims = (inspected?.tensors ?? []).filter((t) => flow.tensorChoice.includes(t.name) && t.shape.length === 2).map((t) => t.shape[1]);
    return dims.length > 0 ? Math.max(...dims) : 0;
  }, [inspected, flow.tensorChoice]);

  if (!inspected || (phase !== 'choosing' && phase !== 'analysing')) return null;

  const { layout } = flow;
  const sets = layout?.sets;
  const setsTicked = sets !== undefined && sets.tensors.every((name) => flow.tensorChoice.includes(name));
  const fieldCount = layout?.fieldCount;
  const needle = filter.trim().toLowerCase();
  const shown = inspected.tensors.filter((t) => t.name.toLowerCase().includes(needle));
  const tickShown = () => setFlow({ tensorChoice: [...new Set([...flow.tensorChoice, ...shown.filter((t) => t.analysable).map((t) => t.name)])] });
  const toggle = (name: string) =>
    setFlow({
      tensorChoice: flow.tensorChoice.includes(name) ? flow.tensorChoice.filter((n) => n !== name) : [...flow.tensorChoice, name],
    });

  return (
    <section ref={dialogRef} className="panel import-dialog" data-testid="import-dialog" aria-labelledby="import-heading">
      <div className="dialog-head">
        <h2 id="import-heading" title={inspected.source}>
          {inspected.source}
        </h2>
        <button type="button" className="icon-button" aria-label="Close without analysing" disabled={busy} onClick={() => controller.closeDialog()}>
          ×
        </button>
      </div>
      <p className="file-meta">
        <span className="badge">{inspected.format}</span> {formatBytes(inspected.bytes)}
        {inspected.labelCount !== undefined && <> · {formatRows(inspected.labelCount)} row labels</>}
      </p>
      {layout?.optimizerState && (
        <p className="dialog-note warn-text" data-testid="optimizer-state">
          {optimizerSentence(inspected.tensors)}. Nothing is ticked: tick a moment to analyse it anyway.
        </p>
      )}
      {sets && (
        <p className="dialog-note" data-testid="embedding-sets">
          {sets.tensors.length} embedding sets ({sets.pattern}, {formatRows(sets.rows)} × {sets.dim} each)
          {setsTicked ? ': one field split applies to every set, giving sets × fields.' : '.'}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void controller.analyze();
        }}
      >
        <fieldset disabled={busy}>
          <legend>Tensors</legend>
          {inspected.tensors.length > FILTER_FROM && (
            <div className="tensor-filter">
              <input
                type="search"
                data-testid="tensor-filter"
                aria-label="Filter tensors by name"
                placeholder={`Filter ${inspected.tensors.length} tensors (e.g. embed)`}
                value={filter}
                onChange={(e) => setTyped({ file: inspected.source, text: e.target.value })}
              />
              <button type="button" className="ghost small" data-testid="tensor-tick-shown" onClick={tickShown}>
                Tick shown
              </button>
              <button type="button" className="ghost small" data-testid="tensor-untick-all" onClick={() => setFlow({ tensorChoice: [] })}>
                Untick all
              </button>
              <span className="muted" data-testid="tensor-count">
                {flow.tensorChoice.length} ticked
              </span>
            </div>
          )}
          <ul className="tensor-list">
            {shown.map((t) => (
              <li key={t.name} className={t.analysable ? '' : 'unavailable'}>
                <label title={t.reason}>
                  <input
                    type="checkbox"
                    data-testid={`tensor-option-${t.name}`}
                    checked={flow.tensorChoice.includes(t.name)}
                    disabled={!t.analysable}
                    onChange={() => toggle(t.name)}
                  />
                  {/* Long checkpoint paths break after their dots, not mid-word. */}
                  <span className="tensor-name">
                    {t.name.split('.').map((part, i) =>
                      i === 0 ? (
                        part
                      ) : (
                        <Fragment key={i}>
                          .<wbr />
                          {part}
                        </Fragment>
                      ),
                    )}
                  </span>
                  <span className="tensor-shape num">
                    {layout && t.analysable && ROLE_LABELS[layout.roles.get(t.name) ?? 'other'] && (
                      <span className={`tensor-role role-${layout.roles.get(t.name)}`} data-testid="tensor-role">
                        {ROLE_LABELS[layout.roles.get(t.name) ?? 'other']}
                      </span>
                    )}
                    [{formatShape(t.shape)}] {t.dtype}
                  </span>
                </label>
                {!t.analysable && t.reason && <span className="tensor-reason">{t.reason}</span>}
              </li>
            ))}
          </ul>

          <label className="field">
            <span>
              field_dims <span className="muted">(optional)</span>
            </span>
            <input
              type="text"
              data-testid="field-dims-input"
              placeholder="e.g. 2,7,24"
              value={flow.fieldDimsText}
              spellCheck={false}
              aria-describedby="field-dims-help"
              onChange={(e) => setFlow({ fieldDimsText: e.target.value, fieldSizes: null })}
            />
          </label>
          <p id="field-dims-help" className={`hint ${hint && !hint.ok ? 'warn-text' : ''}`}>
            {hint ? hint.text : 'Row counts of each field when one tensor concatenates several fields.'}
          </p>
          {flow.fieldSizes && (
            <p className="hint" data-testid="field-sizes-source">
              From {flow.fieldSizes.from}
              {flow.fieldSizes.names ? `: fields ${flow.fieldSizes.names.slice(0, 6).join(', ')}${flow.fieldSizes.names.length > 6 ? ', …' : ''}` : ''}
            </p>
          )}
          {fieldCount && flow.fieldDimsText.trim() === '' && !layout?.optimizerState && (
            <p className="hint warn-text" data-testid="field-count-hint">
              The model&apos;s {fieldCount.evidence} says the table holds {fieldCount.fields} concatenated fields of dim {fieldCount.dim}: give their row counts
              (a field_dims .json, FuxiCTR&apos;s feature_map.json or the training log below). Analysed whole, it gets no verdict.
            </p>
          )}

          <label className="field">
            <span>
              Sidecar <span className="muted">(field sizes: .json list, FuxiCTR feature_map.json, a training .log; or projector metadata .tsv)</span>
            </span>
            <input
              type="file"
              data-testid="metadata-input"
              accept=".json,.log,.tsv,.txt"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void controller.pickMetadata(file);
              }}
            />
          </label>
          {flow.metadata && <p className="hint">Row labels from {flow.metadata.name}</p>}

          <label className="field">
            <span>Spectrum</span>
            <select data-testid="mode-select" value={flow.mode} onChange={(e) => setFlow({ mode: e.target.value as SpectrumMode })}>
              {(Object.keys(MODE_LABELS) as SpectrumMode[]).map((m) => (
                <option key={m} value={m}>
                  {MODE_LABELS[m]}
                </option>
              ))}
            </select>
          </label>

          {(widest > DEFAULT_MAX_DIM || flow.maxDim !== DEFAULT_MAX_DIM) && (
            <>
              <label className="field">
                <span>Dimension limit</span>
                <input
                  type="number"
                  data-testid="max-dim-input"
                  min={1}
                  max={MAX_DIM_CEILING}
                  step={1}
                  value={typedMaxDim.file === inspected.source ? typedMaxDim.text : String(flow.maxDim)}
                  aria-describedby="max-dim-help"
                  onChange={(e) => {
                    // The text is kept as typed (empty while retyping); the limit follows whenever it is a whole number in range.
                    const text = e.target.value;
                    setTypedMaxDim({ file: inspected.source, text });
                    const value = Number(text);
                    if (text !== '' && Number.isInteger(value) && value >= 1 && value <= MAX_DIM_CEILING) setFlow({ maxDim: value });
                  }}
                />
              </label>
              <p id="max-dim-help" className={`hint ${widest > flow.maxDim ? 'warn-text' : ''}`}>
                {widest > flow.maxDim
                  ? `A ticked tensor is ${widest} columns wide, above this limit. If it is transposed, re-export it as rows x dim; raise the limit to analyse it anyway (the exact spectrum grows as dim³: about 9 s at 2048 on a 2-core laptop).`
                  : `Tables up to ${flow.maxDim} columns wide are analysed (the exact spectrum grows as dim³).`}
              </p>
            </>
          )}

          <button type="submit" ref={analyzeRef} className="primary wide" data-testid="analyze-button">
            Analyze
          </button>
        </fieldset>
      </form>
    </section>
  );
}
