/**
 * The UI's handle on the analysis worker and the backend-ladder worker (one each per page, created
 * on first use; two threads so probing the GPU never delays an analysis). Files go to the worker
 * by structured clone (a File is a handle, not its bytes); progress comes back through a Comlink
 * proxy callback, so the main thread only ever handles small messages.
 */
import * as Comlink from 'comlink';
import { CANCELLED } from './analysisErrors.ts';
import type { AnalysisClient, AnalyzeOutcome, InspectOutcome } from './analysisProtocol.ts';
import type { ExampleTable } from '../examples/exampleTables.ts';
import type { AnalysisService } from './analysisService.ts';
import type { BackendService } from './backendService.ts';

let client: AnalysisClient | null = null;

/**
 * How long a cancelled job may take to stop by itself. Readers and the Gram check the signal
 * between blocks, but one synchronous step (a wide table's eigen-solve, a worker stuck on a
 * hostile file) never sees it: after this grace the worker is terminated and a fresh one is
 * started on the next call, so Cancel always works.
 */
const CANCEL_GRACE_MS = 1500;

export function getAnalysisClient(): AnalysisClient {
  if (client) return client;
  let analysis: { worker: Worker; remote: Comlink.Remote<AnalysisService> } | null = null;
  const service = () => {
    if (!analysis) {
      const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'reclens-analysis' });
      analysis = { worker, remote: Comlink.wrap<AnalysisService>(worker) };
    }
    return analysis.remote;
  };
  /** Calls in flight, each able to settle itself as cancelled when its worker is terminated. */
  const inFlight = new Set<() => void>();
  /** `call`, or when its worker is terminated, the cancelled outcome or (for work nobody cancelled) the call again on a fresh worker. */
  function cancellable<T>(call: Promise<T>, cancelled: { outcome: T } | { retry: () => Promise<T> }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const abandon = () => ('outcome' in cancelled ? resolve(cancelled.outcome) : cancelled.retry().then(resolve, reject));
      inFlight.add(abandon);
      call.then(resolve, reject).finally(() => inFlight.delete(abandon));
    });
  }
  const ladder = Comlink.wrap<BackendService>(new Worker(new URL('./backend.worker.ts', import.meta.url), { type: 'module', name: 'reclens-backends' }));
  client = {
    inspect: (file, metadata) => cancellable<InspectOutcome>(service().inspect(file, metadata), { outcome: { ok: false, error: CANCELLED } }),
    analyze: (file, request, onProgress, metadata) =>
      cancellable<AnalyzeOutcome>(service().analyze(file, request, Comlink.proxy(onProgress), metadata), {
        outcome: { ok: false, error: CANCELLED },
      }),
    cancel: () => {
      const current = analysis;
      if (!current) return;
      void current.remote.cancel();
      setTimeout(() => {
        if (analysis !== current || inFlight.size === 0) return;
        current.worker.terminate();
        analysis = null;
        for (const abandon of [...inFlight]) abandon();
        inFlight.clear();
      }, CANCEL_GRACE_MS);
    },
    backends: () => ladder.backends(),
    setBackend: (name) => ladder.setBackend(name),
    exampleTables: function examples(): Promise<ExampleTable[]> {
      return cancellable(service().exampleTables(), { retry: examples });
    },
  };
  return client;
}
