/**
 * The UI's handle on the analysis worker and the backend-ladder worker (one each per page, created
 * on first use; two threads so probing the GPU never delays an analysis). Files go to the worker
 * by structured clone (a File is a handle, not its bytes); progress comes back through a Comlink
 * proxy callback, so the main thread only ever handles small messages.
 */
import * as Comlink from 'comlink';
import type { AnalysisClient } from './analysisProtocol.ts';
import type { AnalysisService } from './analysisService.ts';
import type { BackendService } from './backendService.ts';

let client: AnalysisClient | null = null;

export function getAnalysisClient(): AnalysisClient {
  if (client) return client;
  const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'reclens-analysis' });
  const remote = Comlink.wrap<AnalysisService>(worker);
  const ladder = Comlink.wrap<BackendService>(new Worker(new URL('./backend.worker.ts', import.meta.url), { type: 'module', name: 'reclens-backends' }));
  client = {
    inspect: (file, metadata) => remote.inspect(file, metadata),
    analyze: (file, request, onProgress, metadata) => remote.analyze(file, request, Comlink.proxy(onProgress), metadata),
    cancel: () => void remote.cancel(),
    backends: () => ladder.backends(),
    setBackend: (name) => ladder.setBackend(name),
    exampleTables: () => remote.exampleTables(),
  };
  return client;
}
