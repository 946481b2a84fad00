/**
 * The UI's handle on the sequence worker (started on its first call). Events come back through
 * callbacks; pause, resume and stop are fire-and-forget messages the worker handles between
 * chunks of steps (stop also cancels a dataset being read).
 */
import type { SequenceClient } from './sequenceProtocol.ts';
import type { SequenceService } from './sequenceService.ts';
import { wasmWorkerName } from './wasmThreads.ts';
import { connectWorker } from './workerRpc.ts';

export function createSequenceClient(): SequenceClient {
  return connectWorker<SequenceService>(
    () => new Worker(new URL('./sequence.worker.ts', import.meta.url), { type: 'module', name: wasmWorkerName('sequence', location.search) }),
  );
}
