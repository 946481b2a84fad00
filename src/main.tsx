import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { ControllerContext } from './components/controllerContext.ts';
import { WorkspaceContext } from './components/WorkspaceMenu.tsx';
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

// The link's view (theme, lesson, presenter flags) applies before first paint too.
startUrlSync(useStudioStore, studioUrlRegistry);
startDocumentSync(useStudioStore);
// Uploaded tables from earlier sessions come back from IndexedDB (after first paint).
const persistence = openPersistence();
void persistence.then((handle) => startPersistence(useStudioStore, handle));
const workspace = createWorkspaceActions(useStudioStore, persistence);

const controller = createStudioController(getAnalysisClient(), useStudioStore);
// The built-in examples are generated and analysed in the worker (a few hundred ms of cold JIT
// that would otherwise delay first paint and freeze the page); they appear moments after it.
void controller.loadExamples();
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
