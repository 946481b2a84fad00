import { openPersistence } from '../../state/persistence.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { createTrainingController, type TrainingController } from '../../state/trainingController.ts';
import { getAnalysisClient } from '../../workers/analysisClient.ts';
import { getTrainingClient } from '../../workers/trainingClient.ts';
import { downloadBlob } from '../download.ts';

let controller: TrainingController | null = null;

/** The page's training controller, created (with its worker) the first time the Train view opens. */
export function getTrainingController(): TrainingController {
  controller ??= createTrainingController({
    client: getTrainingClient(),
    store: useStudioStore,
    analysis: getAnalysisClient,
    persistence: openPersistence(),
    datasetsUrl: new URL('datasets/', document.baseURI).href,
    download: downloadBlob,
  });
  return controller;
}
