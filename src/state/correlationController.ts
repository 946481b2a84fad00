import { create } from 'zustand';
import type { CheckpointCorrelation, CorrelationRequest } from '../analysis/checkpointCorrelation.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';

/**
 * The learned-correlation tool on an uploaded checkpoint's card (RecScope RQ2): the user picks its
 * category and position tables; the analysis worker reads them from the card's file and computes
 * one matrix per target category.
 */
export type CorrelationEntry =
  | { status: 'running'; request: CorrelationRequest }
  | { status: 'done'; request: CorrelationRequest; correlation: CheckpointCorrelation; elapsedMs: number }
  | { status: 'error'; request: CorrelationRequest; error: SerializedImportError };

export interface CorrelationState {
  /** By table id: the last request of that card and its outcome. */
  entries: Record<string, CorrelationEntry>;
}

export const useCorrelationStore = create<CorrelationState>(() => ({ entries: {} }));
export type CorrelationStore = typeof useCorrelationStore;

export interface CorrelationController {
  compute(tableId: string, request: CorrelationRequest): Promise<void>;
  cancel(): void;
}

/** `fileOf`: the File of a card analysed in this session (the interaction controller keeps them). */
export function createCorrelationController(
  client: AnalysisClient,
  fileOf: (tableId: string) => File | undefined,
  store: CorrelationStore = useCorrelationStore,
): CorrelationController {
  const set = (id: string, entry: CorrelationEntry) => store.setState((s) => ({ entries: { ...s.entries, [id]: entry } }));
  return {
    async compute(tableId, request) {
      const file = fileOf(tableId);
      if (!file) {
        set(tableId, {
          status: 'error',
          request,
          error: {
            code: 'read-failed',
            message: 'The checkpoint of this card is not at hand (it was restored from an earlier session).',
            fix: 'Drop the file again to see its learned correlation.',
          },
        });
        return;
      }
      set(tableId, { status: 'running', request });
      const outcome = await client.correlation(file, request);
      if (outcome.ok) set(tableId, { status: 'done', request, correlation: outcome.correlation, elapsedMs: outcome.elapsedMs });
      else if (outcome.error.code === 'cancelled')
        store.setState((s) => ({ entries: Object.fromEntries(Object.entries(s.entries).filter(([k]) => k !== tableId)) }));
      else set(tableId, { status: 'error', request, error: outcome.error });
    },
    cancel() {
      client.cancel();
    },
  };
}
