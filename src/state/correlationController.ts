import { create } from 'zustand';
import { MAX_CORRELATION_CATEGORIES, type CheckpointCorrelation, type CorrelationRequest } from '../analysis/checkpointCorrelation.ts';
import type { TensorInfo } from '../contracts/tables.ts';
import { guessCorrelationTensors } from '../data/correlationTensors.ts';
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

/** What the card's form asks for, as typed. */
export interface CorrelationForm {
  method: CorrelationRequest['method'];
  categoryTable: string;
  positionTable: string;
  /** '' = the behaviour tables serve the target too. */
  targetCategoryTable: string;
  targetPositionTable: string;
  /** Category ids, e.g. "1-10" or "3, 7, 12". */
  categories: string;
  positions: number;
}

/** The form a card opens with: the guessed tables, categories 1..10 and positions 1..10 where the tables have them. */
export function defaultCorrelationForm(tensors: readonly TensorInfo[]): CorrelationForm | null {
  const guess = guessCorrelationTensors(tensors);
  if (guess.candidates.length < 2) return null;
  const rowsOf = (name: string | undefined) => tensors.find((t) => t.name === name)?.shape[0] ?? 0;
  const categoryTable = guess.category ?? guess.candidates[0];
  const positionTable = guess.position ?? guess.candidates.find((n) => n !== categoryTable) ?? guess.candidates[0];
  const lastCategory = Math.min(10, rowsOf(categoryTable) - 1);
  return {
    method: 'attention',
    categoryTable,
    positionTable,
    targetCategoryTable: guess.targetCategory ?? '',
    targetPositionTable: '',
    categories: lastCategory >= 1 ? `1-${lastCategory}` : '0',
    positions: Math.max(1, Math.min(10, rowsOf(positionTable) - 1)),
  };
}

/** "1-5, 9" -> [1, 2, 3, 4, 5, 9]; an Error naming the bad part otherwise. */
export function parseCategoryIds(text: string): number[] | Error {
  const out: number[] = [];
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a || b - a >= MAX_CORRELATION_CATEGORIES) return new Error(`"${part}" is not a range of at most ${MAX_CORRELATION_CATEGORIES} ids.`);
      for (let c = a; c <= b; c++) out.push(c);
    } else if (/^\d+$/.test(part)) out.push(Number(part));
    else return new Error(`"${part}" is not a category id or a range like 1-10.`);
  }
  if (out.length === 0) return new Error('Give at least one category id.');
  if (out.length > MAX_CORRELATION_CATEGORIES) return new Error(`${out.length} categories: the tool shows at most ${MAX_CORRELATION_CATEGORIES}.`);
  return out;
}

/** The request a form makes, or why it cannot. */
export function correlationRequestOf(form: CorrelationForm): CorrelationRequest | Error {
  const categories = parseCategoryIds(form.categories);
  if (categories instanceof Error) return categories;
  return {
    method: form.method,
    categoryTable: form.categoryTable,
    positionTable: form.positionTable,
    ...(form.targetCategoryTable ? { targetCategoryTable: form.targetCategoryTable } : {}),
    ...(form.targetPositionTable ? { targetPositionTable: form.targetPositionTable } : {}),
    categories,
    positions: form.positions,
  };
}
