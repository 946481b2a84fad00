import { useStudioStore } from '../state/studioStore.ts';

/** Messages about the session itself: a link that could not be read, storage unavailable, a workspace import. */
export function NoticeBar() {
  const notices = useStudioStore((s) => s.notices);
  const dismiss = useStudioStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'warning' ? 'alert' : 'status'} data-testid={`notice-${n.id}`}>
          <p>{n.text}</p>
          <button type="button" className="icon-button" aria-label="Dismiss message" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
