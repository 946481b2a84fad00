import { BackendBadge } from './BackendBadge.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';
import { ViewTabs } from './ViewTabs.tsx';
import { WorkspaceMenu } from './WorkspaceMenu.tsx';

export function Header() {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ◧
        </span>
        <div>
          <h1>RecLens</h1>
          <p className="tagline">Drop an embedding table, see which fields collapsed — in seconds, in your browser.</p>
        </div>
      </div>
      <ViewTabs />
      <div className="header-meta">
        <span className="privacy" title="Files are read locally by a Web Worker; nothing is uploaded.">
          <svg width="12" height="13" viewBox="0 0 12 13" aria-hidden="true">
            <rect x="1" y="5.5" width="10" height="7" rx="1.5" fill="currentColor" />
            <path d="M3.5 5.5V4a2.5 2.5 0 0 1 5 0v1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
          </svg>
          Your data never leaves this browser
        </span>
        <BackendBadge />
        <WorkspaceMenu />
        <ThemeToggle />
      </div>
    </header>
  );
}
