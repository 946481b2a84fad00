import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { ControllerContext } from './components/controllerContext.ts';
import { WorkspaceContext } from './components/WorkspaceMenu.tsx';
import { buildExampleTables } from './examples/exampleTables.ts';
import { startDocumentSync } from './state/documentSync.ts';
import { openPersistence } from './state/persistence.ts';
import { startPersistence } from './state/persistenceSync.ts';
import { registerServiceWorker } from './state/serviceWorkerRegistration.ts';
import { createStudioController } from './state/studioController.ts';
import { useStudioStore } from './state/studioStore.ts';
import { studioUrlRegistry } from './state/studioUrl.ts';
import { startUrlSync } from './state/urlSync.ts';
import { createWorkspaceActions } from './state/workspaceActions.ts';
import { getAnalysisClient } from './workers/analysisClient.ts';
import './styles/app.css';

// The built-in examples are analysed before first paint so the first screen is never empty.
for (const table of buildExampleTables()) useStudioStore.getState().addTable(table);

// The link's view (theme, lesson, presenter flags) applies before first paint too.
startUrlSync(useStudioStore, studioUrlRegistry);
startDocumentSync(useStudioStore);
// Uploaded tables from earlier sessions come back from IndexedDB (after first paint).
const persistence = openPersistence();
void persistence.then((handle) => startPersistence(useStudioStore, handle));
const workspace = createWorkspaceActions(useStudioStore, persistence);

const controller = createStudioController(getAnalysisClient(), useStudioStore);
void controller.refreshBackends();
registerServiceWorker(import.meta.env.PROD);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <WorkspaceContext.Provider value={workspace}>
        <App />
      </WorkspaceContext.Provider>
    </ControllerContext.Provider>
  </StrictMode>,
);
