/**
 * The UI's handle on the multi-task worker (one per page, created on first use). Events come back
 * through Comlink proxy callbacks; pause, resume and stop are fire-and-forget messages the worker
 * handles between chunks of steps.
 */
import * as Comlink from 'comlink';
import type { MultitaskClient } from './multitaskProtocol.ts';
import type { MultitaskService } from './multitaskService.ts';

let client: MultitaskClient | null = null;

export function getMultitaskClient(): MultitaskClient {
  if (client) return client;
  const worker = new Worker(new URL('./multitask.worker.ts', import.meta.url), { type: 'module', name: 'reclens-multitask' });
  const remote = Comlink.wrap<MultitaskService>(worker);
  client = {
    backends: () => remote.backends(),
    setBackend: (name) => remote.setBackend(name),
    previewCsv: (file) => remote.previewCsv(file),
    load: (source) => remote.load(source),
    train: (request, onEvent) => remote.train(request, Comlink.proxy(onEvent)),
    pause: () => void remote.pause(),
    resume: () => void remote.resume(),
    stop: () => void remote.stop(),
    measureConflicts: (request, onProgress) => remote.measureConflicts(request, Comlink.proxy(onProgress)),
  };
  return client;
}
