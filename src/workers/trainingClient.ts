/**
 * The UI's handle on the training worker (started on its first call). Events come back through a
 * callback; control calls (pause, step, stop) are fire-and-forget messages the worker handles
 * between chunks of steps.
 */
import type { TrainingClient } from './trainingProtocol.ts';
import type { TrainingService } from './trainingService.ts';
import { wasmWorkerName } from './wasmThreads.ts';
import { connectWorker } from './workerRpc.ts';

export function createTrainingClient(): TrainingClient {
  return connectWorker<TrainingService>(
    () => new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: wasmWorkerName('training', location.search) }),
  );
}
