import { useEffect, useRef } from 'react';
import { useStudioStore } from '../state/studioStore.ts';

/** The last import error: what went wrong and what to do. Loaded tables are never affected. */
export function ErrorBanner() {
  const error = useStudioStore((s) => s.lastError);
  const setError = useStudioStore((s) => s.setError);
  const banner = useRef<HTMLDivElement>(null);
  // A new error is brought into view: pressed at the foot of a long sidebar or on a phone, it would land above the screen.
  useEffect(() => {
    if (error) banner.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [error]);
  if (!error) return null;
  return (
    <div ref={banner} className="error-banner" role="alert" data-testid="import-error" data-code={error.code}>
      <div>
        <strong className="error-message">{error.message}</strong>
        {error.fix && (
          <p className="error-fix">
            <span className="fix-label">Fix:</span> {error.fix}
          </p>
        )}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss error" onClick={() => setError(null)}>
        ×
      </button>
    </div>
  );
}
