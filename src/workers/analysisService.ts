/**
 * What the analysis worker does, free of worker plumbing so Node tests can drive it: open and
 * analyse uploaded files, cancel the running job, and run the tfjs backend ladder (loaded lazily,
 * so inspecting a file never waits for tfjs).
 */
import { isAbortError } from '../data/abort.ts';
import { blobByteSource } from '../data/byteSource.ts';
import { ImportError, type SerializedImportError } from '../data/importError.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { readAheadSource } from '../engine/readAheadSource.ts';
import { blockRowsFor } from '../engine/blockRows.ts';
import type { AnalysisProgress } from '../analysis/types.ts';
import type { AnalyzeOutcome, AnalyzeRequest, BackendName, BackendState, InspectOutcome } from './analysisProtocol.ts';

export interface AnalysisService {
  inspect(file: File, metadata?: File): Promise<InspectOutcome>;
  analyze(file: File, request: AnalyzeRequest, onProgress: (p: AnalysisProgress) => void, metadata?: File): Promise<AnalyzeOutcome>;
  cancel(): void;
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
}

export const CANCELLED: SerializedImportError = { code: 'cancelled', message: 'Analysis cancelled', fix: '' };

/** Every failure as the protocol's plain error object. */
export function toSerializedError(err: unknown): SerializedImportError {
  if (isAbortError(err)) return CANCELLED;
  if (err instanceof ImportError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'internal',
    message: `Internal error: ${message}`,
    fix: 'This is a bug in RecLens, not in your file: reload the page and try again, and report it with the file format if it persists.',
  };
}

/** Blob reads are browser IPC: big blocks, and the next one read while the current one is summed. */
async function open(file: File, metadata?: File) {
  const table = readAheadSource(blobByteSource(file, file.name));
  return openTableFile(table, metadata ? { metadata: blobByteSource(metadata, metadata.name) } : undefined);
}

/**
 * The state names the Gram engine analyze() really uses: analyzeTableFile accumulates with the
 * float64 GramAccumulator (it takes no accumulator factory), so a 'backend-matmul' verdict of the
 * policy is reported only once analyses can run on it.
 */
function usedEngine(state: BackendState): BackendState {
  return { ...state, gramEngine: 'float64-js' };
}

/** `prepareTf` runs once before the first ladder call (the worker points tfjs-backend-wasm at its binaries there). */
export function createAnalysisService(prepareTf: () => Promise<void> = async () => {}): AnalysisService {
  let current: AbortController | null = null;
  let ladder: Promise<typeof import('../engine/backendLadder.ts')> | null = null;
  const loadLadder = () => (ladder ??= prepareTf().then(() => import('../engine/backendLadder.ts')));

  return {
    async inspect(file, metadata) {
      try {
        const table = await open(file, metadata);
        return {
          ok: true,
          source: file.name,
          format: table.format,
          bytes: file.size,
          tensors: table.tensors,
          ...(table.labels ? { labelCount: table.labels.length } : {}),
        };
      } catch (err) {
        return { ok: false, error: toSerializedError(err) };
      }
    },

    async analyze(file, request, onProgress, metadata) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      const t0 = performance.now();
      try {
        const table = await open(file, metadata);
        const chunkRows = blockRowsFor(table.tensors.filter((t) => request.tensors.includes(t.name)));
        const result = await analyzeTableFile(table, request, { signal: controller.signal, onProgress, chunkRows });
        return { ok: true, result, elapsedMs: performance.now() - t0, gramEngine: 'float64-js' };
      } catch (err) {
        return { ok: false, error: controller.signal.aborted ? CANCELLED : toSerializedError(err) };
      } finally {
        if (current === controller) current = null;
      }
    },

    cancel() {
      current?.abort();
    },

    async backends() {
      return usedEngine(await (await loadLadder()).currentBackendState());
    },

    async setBackend(name) {
      return usedEngine(await (await loadLadder()).activateBackend(name));
    },
  };
}
