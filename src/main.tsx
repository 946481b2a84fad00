import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { ControllerContext } from './components/controllerContext.ts';
import { buildExampleTables } from './examples/exampleTables.ts';
import { createStudioController } from './state/studioController.ts';
import { useStudioStore } from './state/studioStore.ts';
import { getAnalysisClient } from './workers/analysisClient.ts';
import './styles/app.css';

// The built-in examples are analysed before first paint so the first screen is never empty.
for (const table of buildExampleTables()) useStudioStore.getState().addTable(table);

const controller = createStudioController(getAnalysisClient(), useStudioStore);
void controller.refreshBackends();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <App />
    </ControllerContext.Provider>
  </StrictMode>,
);
