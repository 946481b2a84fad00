import { createContext, useContext, useRef, useState } from 'react';
import type { WorkspaceActions } from '../state/workspaceActions.ts';
import { WORKSPACE_EXTENSION } from '../state/workspaceFile.ts';
import { downloadBlob } from '../export/download.ts';

export const WorkspaceContext = createContext<WorkspaceActions | null>(null);

/** Export the workspace to one .reclens.json file, import one back, or clear uploaded tables and runs. */
export function WorkspaceMenu() {
  const actions = useContext(WorkspaceContext);
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState(false);
  if (!actions) return null;
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
      if (menu.current) menu.current.open = false;
    }
  };

  return (
    <details className="workspace-menu" ref={menu}>
      <summary className="button ghost small" data-testid="workspace-menu">
        Workspace
      </summary>
      <div className="menu-body" role="group" aria-label="Workspace">
        <button
          type="button"
          className="ghost small"
          data-testid="workspace-export"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const { blob, filename } = await actions.exportWorkspace();
              downloadBlob(blob, filename);
            })
          }
        >
          Export workspace…
        </button>
        <label className="button ghost small">
          Import workspace…
          <input
            type="file"
            className="visually-hidden"
            data-testid="workspace-import"
            accept={`${WORKSPACE_EXTENSION},.json,application/json`}
            disabled={busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void run(() => actions.importWorkspace(file));
            }}
          />
        </label>
        <button
          type="button"
          className="ghost small danger"
          data-testid="workspace-clear"
          disabled={busy}
          onClick={() => void run(() => actions.clearWorkspace())}
        >
          Clear uploaded tables
        </button>
        <p className="hint">Keeps analysis results, not your files.</p>
      </div>
    </details>
  );
}
