import { useStudioStore } from '../state/studioStore.ts';

/** The active compute backend; a software WebGPU adapter is flagged as slow. */
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
      title={active?.adapter ? `Adapter: ${active.adapter}` : undefined}
    >
      {backend ? `Backend: ${backend.active}${fallback ? ' (software)' : ''}` : busy ? 'Backend: probing…' : 'Backend: —'}
    </span>
  );
}
