import { useStudioStore } from '../state/studioStore.ts';

/** The analysis worker's compute backend (training has its own, shown in the Train form); a software WebGPU adapter is flagged as slow. */
export function BackendBadge() {
  const backend = useStudioStore((s) => s.backend);
  const busy = useStudioStore((s) => s.backendBusy);
  const active = backend?.reports.find((r) => r.name === backend.active);
  const fallback = Boolean(active?.isFallbackAdapter);
  return (
    <span
      className={`badge backend-badge ${fallback ? 'warn' : ''}`}
      data-testid="backend-status"
      data-backend={backend?.active ?? ''}
      data-fallback={String(fallback)}
      aria-live="polite"
      title={`The backend that analyses tables; training shows its own in the Train form.${active?.adapter ? ` Adapter: ${active.adapter}` : ''}`}
    >
      {backend ? `Analysis backend: ${backend.active}${fallback ? ' (software)' : ''}` : busy ? 'Analysis backend: probing…' : 'Analysis backend: —'}
    </span>
  );
}
