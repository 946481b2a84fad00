import type { BackendName } from '../contracts/backend.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { useController } from './controllerContext.ts';

const GRAM_ENGINE_TEXT = {
  'float64-js': 'exact float64 in JavaScript',
  'backend-matmul': 'float32 chunk matmul on the backend, summed in float64',
} as const;

/** Backend choice and the probe report of each backend. */
export function BackendPanel() {
  const controller = useController();
  const backend = useStudioStore((s) => s.backend);
  const busy = useStudioStore((s) => s.backendBusy);

  return (
    <section className="panel backend-panel" aria-labelledby="backend-heading">
      <h2 id="backend-heading">Compute backend</h2>
      <label className="field">
        <span>Backend</span>
        <select
          data-testid="backend-select"
          value={backend?.active ?? ''}
          disabled={!backend || busy}
          onChange={(e) => void controller.switchBackend(e.target.value as BackendName)}
        >
          {!backend && <option value="">{busy ? 'probing…' : 'unavailable'}</option>}
          {backend?.reports.map((r) => (
            <option key={r.name} value={r.name} disabled={!r.available}>
              {r.name}
              {r.available ? '' : ' (unavailable)'}
            </option>
          ))}
        </select>
      </label>
      {backend && (
        <>
          <p className="hint">Gram matrix: {GRAM_ENGINE_TEXT[backend.gramEngine]}.</p>
          <ul className="backend-reports">
            {backend.reports.map((r) => (
              <li key={r.name} className={r.available ? '' : 'unavailable'}>
                <strong>{r.name}</strong>{' '}
                {r.available ? (
                  <>
                    {r.probeMs !== undefined && <span className="num">{r.probeMs.toFixed(1)} ms probe</span>}
                    {r.adapter && <span className="muted"> · {r.adapter}</span>}
                    {r.isFallbackAdapter && <span className="warn-text"> · software adapter: correct but slow, not timed, never chosen</span>}
                  </>
                ) : (
                  <span className="muted">{r.error ?? 'unavailable'}</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
