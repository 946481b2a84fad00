import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { ControllerContext } from './components/controllerContext.ts';
import { RunControllersContext } from './components/runControllersContext.ts';
import { WorkspaceContext } from './components/WorkspaceMenu.tsx';
import { downloadBlob } from './export/download.ts';
import { createStudio } from './state/compositionRoot.ts';
import { startDocumentSync } from './state/documentSync.ts';
import { registerServiceWorker } from './state/serviceWorkerRegistration.ts';
import { studioUrlRegistry } from './state/studioUrl.ts';
import { startUrlSync } from './state/urlSync.ts';
import './styles/app.css';

const studio = createStudio({ datasetsUrl: new URL('datasets/', document.baseURI).href, download: downloadBlob });
// The link's view (theme, lesson, presenter flags) applies before first paint too.
startUrlSync(studio.store, studioUrlRegistry);
startDocumentSync(studio.store);
// The built-in examples are generated and analysed in the worker (a few hundred ms of cold JIT
// that would otherwise delay first paint and freeze the page); they appear moments after it.
void studio.studio.loadExamples();
void studio.studio.refreshBackends();
registerServiceWorker(import.meta.env.PROD);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ControllerContext.Provider value={studio.studio}>
      <RunControllersContext.Provider value={studio}>
        <WorkspaceContext.Provider value={studio.workspace}>
          <App />
        </WorkspaceContext.Provider>
      </RunControllersContext.Provider>
    </ControllerContext.Provider>
  </StrictMode>,
);
