/**
 * The UI's handle on the analysis worker and the backend-ladder worker (created once by the
 * composition root, each worker started on first use; two threads so probing the GPU never
 * delays an analysis). Files go to the worker by structured clone (a File is a handle, not its bytes); progress comes back through a callback
 * proxy (workerRpc.ts), so the main thread only ever handles small messages.
 */
import { CANCELLED } from './analysisErrors.ts';
import type { AnalysisClient, AnalyzeOutcome, CorrelationOutcome, InspectOutcome, InteractionOutcome } from './analysisProtocol.ts';
import type { ExampleTable } from '../examples/exampleTables.ts';
import type { AnalysisService } from './analysisService.ts';
import type { BackendService } from './backendService.ts';
import { connectWorker, type RemoteService } from './workerRpc.ts';

/**
 * How long a cancelled job may take to stop by itself. Readers and the Gram check the signal
 * between blocks, but one synchronous step (a wide table's eigen-solve, a worker stuck on a
 * hostile file) never sees it: after this grace the worker is terminated and a fresh one is
 * started on the next call, so Cancel always works.
 */
const CANCEL_GRACE_MS = 1500;

export function createAnalysisClient(): AnalysisClient {
  let analysis: { worker: Worker; remote: RemoteService<AnalysisService> } | null = null;
  const service = () => {
    if (!analysis) {
      const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'reclens-analysis' });
      analysis = { worker, remote: connectWorker<AnalysisService>(() => worker) };
    }
    return analysis.remote;
  };
  /** A call in flight on the current worker, able to end itself when that worker is terminated. */
  interface Call {
    /** Set by the user's cancel: an answer that still arrives (a step that finished anyway) is dropped. */
    cancelRequested: boolean;
    /** Settles as the user's cancel would. */
    cancel(): void;
    /** Makes the call again on a fresh worker (work the user did not cancel). */
    retry(): void;
  }
  const inFlight = new Set<Call>();
  /** `start()` on the current worker; `cancelled` is its outcome if the user's cancel ends it (absent: it is retried). */
  function call<T>(start: () => Promise<T>, cancelled?: T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        const entry: Call = {
          cancelRequested: false,
          cancel: () => (cancelled === undefined ? run() : resolve(cancelled)),
          retry: run,
        };
        inFlight.add(entry);
        start()
          .then((value) => resolve(entry.cancelRequested && cancelled !== undefined ? cancelled : value), reject)
          .finally(() => inFlight.delete(entry));
      };
      run();
    });
  }
  const ladder = connectWorker<BackendService>(() => new Worker(new URL('./backend.worker.ts', import.meta.url), { type: 'module', name: 'reclens-backends' }));
  return {
    inspect: (file, metadata, companions) => call<InspectOutcome>(() => service().inspect(file, metadata, companions), { ok: false, error: CANCELLED }),
    analyze: (file, request, onProgress, metadata, companions) =>
      call<AnalyzeOutcome>(() => service().analyze(file, request, onProgress, metadata, companions), { ok: false, error: CANCELLED }),
    interaction: (file, request, onProgress) =>
      call<InteractionOutcome>(() => service().interaction(file, request, onProgress), { ok: false, error: CANCELLED }),
    correlation: (file, request) => call<CorrelationOutcome>(() => service().correlation(file, request), { ok: false, error: CANCELLED }),
    cancel: () => {
      const current = analysis;
      if (!current) return;
      void current.remote.cancel();
      // Only the calls in flight now are cancelled: a file dropped during the grace is run again on the new worker.
      const cancelled = new Set(inFlight);
      for (const c of cancelled) c.cancelRequested = true;
      setTimeout(() => {
        if (analysis !== current || ![...cancelled].some((c) => inFlight.has(c))) return;
        current.worker.terminate();
        analysis = null;
        const ended = [...inFlight];
        inFlight.clear();
        for (const c of ended) {
          if (cancelled.has(c)) c.cancel();
          else c.retry();
        }
      }, CANCEL_GRACE_MS);
    },
    backends: () => ladder.backends(),
    setBackend: (name) => ladder.setBackend(name),
    exampleTables: () => call<ExampleTable[]>(() => service().exampleTables()),
  };
}
