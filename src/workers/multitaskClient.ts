/**
 * The UI's handle on the multi-task worker (started on its first call). Events come back through
 * callbacks; pause, resume and stop are fire-and-forget messages the worker handles between
 * chunks of steps.
 */
import type { MultitaskClient } from './multitaskProtocol.ts';
import type { MultitaskService } from './multitaskService.ts';
import { wasmWorkerName } from './wasmThreads.ts';
import { connectWorker } from './workerRpc.ts';

export function createMultitaskClient(): MultitaskClient {
  return connectWorker<MultitaskService>(
    () => new Worker(new URL('./multitask.worker.ts', import.meta.url), { type: 'module', name: wasmWorkerName('multitask', location.search) }),
  );
}
