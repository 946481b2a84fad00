/**
 * The one place the studio is put together: the store, the one IndexedDB handle, the worker
 * clients (each worker starts on its client's first call) and the controllers built on them.
 * Views receive the controllers through context; nothing else opens persistence or a worker.
 */
import { createAnalysisClient } from '../workers/analysisClient.ts';
import { createMultitaskClient } from '../workers/multitaskClient.ts';
import { createSequenceClient } from '../workers/sequenceClient.ts';
import { createTrainingClient } from '../workers/trainingClient.ts';
import { createCheckpointSeriesController, type CheckpointSeriesController } from './checkpointSeriesController.ts';
import { createInteractionController, type InteractionController } from './interactionController.ts';
import { createCorrelationController, type CorrelationController } from './correlationController.ts';
import { createMultitaskController, type MultitaskController } from './multitaskController.ts';
import { createSequenceController, type SequenceController } from './sequenceController.ts';
import { openPersistence, type PersistenceHandle } from './persistence.ts';
import { startPersistence } from './persistenceSync.ts';
import { trackRemovedExamples } from './removedExamples.ts';
import { startScalingPersistence } from './scalingPersistence.ts';
import { createStudioController, type StudioController } from './studioController.ts';
import { useStudioStore, type StudioStore } from './studioStore.ts';
import { createTrainingController, type TrainingController } from './trainingController.ts';
import { createWorkspaceActions, type WorkspaceActions } from './workspaceActions.ts';

export interface Studio {
  store: StudioStore;
  persistence: Promise<PersistenceHandle>;
  studio: StudioController;
  workspace: WorkspaceActions;
  training: TrainingController;
  multitask: MultitaskController;
  sequence: SequenceController;
  interaction: InteractionController;
  correlation: CorrelationController;
  series: CheckpointSeriesController;
}

export function createStudio(options: { datasetsUrl: string; download: (blob: Blob, name: string) => void }): Studio {
  const store = useStudioStore;
  // Example cards the user removes stay removed after a reload.
  trackRemovedExamples(store);
  const persistence = openPersistence();
  // Uploaded tables from earlier sessions come back from IndexedDB (after first paint).
  void persistence.then((handle) => startPersistence(store, handle));
  // The scaling queue's last points (a lesson reads them) come back too.
  void persistence.then((handle) => startScalingPersistence(store, handle));
  const analysis = createAnalysisClient();
  const interaction = createInteractionController(analysis, store);
  return {
    store,
    persistence,
    studio: createStudioController(analysis, store),
    workspace: createWorkspaceActions(store, persistence),
    training: createTrainingController({
      client: createTrainingClient(),
      store,
      analysis: () => analysis,
      persistence,
      datasetsUrl: options.datasetsUrl,
      download: options.download,
    }),
    multitask: createMultitaskController({ client: createMultitaskClient(), store, persistence, datasetsUrl: options.datasetsUrl }),
    sequence: createSequenceController({ client: createSequenceClient(), store, persistence, datasetsUrl: options.datasetsUrl }),
    interaction,
    correlation: createCorrelationController(analysis, interaction.fileOf),
    series: createCheckpointSeriesController(analysis),
  };
}
