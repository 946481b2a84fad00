/**
 * The UI's handle on the training worker (one per page, created on first use). Events come back
 * through a Comlink proxy callback; control calls (pause, step, stop) are fire-and-forget
 * messages the worker handles between chunks of steps.
 */
import * as Comlink from 'comlink';
import type { TrainingClient } from './trainingProtocol.ts';
import type { TrainingService } from './trainingService.ts';

let client: TrainingClient | null = null;

export function getTrainingClient(): TrainingClient {
  if (client) return client;
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'reclens-training' });
  const remote = Comlink.wrap<TrainingService>(worker);
  client = {
    backends: () => remote.backends(),
    setBackend: (name) => remote.setBackend(name),
    load: (source, onProgress) => remote.load(source, Comlink.proxy(onProgress)),
    cancelLoad: () => void remote.cancelLoad(),
    train: (request, onEvent) => remote.train(request, Comlink.proxy(onEvent)),
    pause: () => void remote.pause(),
    resume: () => void remote.resume(),
    step: () => void remote.step(),
    stop: () => void remote.stop(),
    exportTables: () => remote.exportTables(),
  };
  return client;
}
