/**
 * The UI's handle on the training worker (one per page, created on first use). Events come back
 * through a callback; control calls (pause, step, stop) are fire-and-forget messages the worker
 * handles between chunks of steps.
 */
import type { TrainingClient } from './trainingProtocol.ts';
import type { TrainingService } from './trainingService.ts';
import { connectWorker } from './workerRpc.ts';

let client: TrainingClient | null = null;

export function getTrainingClient(): TrainingClient {
  client ??= connectWorker<TrainingService>(new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'reclens-training' }));
  return client;
}
