import { create } from 'zustand';
import { defaultCrossWeight, type InteractionCollapse } from '../analysis/interactionCollapse.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { LoadedTable } from '../contracts/tables.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import type { StudioStore } from './studioStore.ts';

/** One table of a card that can be seen through its DCNv2 first cross layer. */
export interface InteractionOffer {
  /** Key of this offer: `${tableId}/${tensor}`. */
  key: string;
  tensor: string;
  weight: string;
  /** The set's label when the card holds several sets. */
  set?: string;
  fieldDims: number[];
  fieldNames: string[];
  dim: number;
}

export type InteractionEntry =
  | { status: 'running'; rowsDone: number; rowsTotal: number }
  | { status: 'done'; matrix: InteractionCollapse; dim: number; elapsedMs: number }
  | { status: 'error'; error: SerializedImportError };

export interface InteractionState {
  entries: Record<string, InteractionEntry>;
  /** Table ids whose file is at hand in this session (a restored card's is not). */
  withFile: Record<string, true>;
}

export const useInteractionStore = create<InteractionState>(() => ({ entries: {}, withFile: {} }));
export type InteractionStore = typeof useInteractionStore;

/**
 * What a card offers: per analysed tensor split by field sizes, the first cross layer that goes
 * with it (Multi-Embedding's cn.W.0, or cns.<m>.0.W.0 for set m) when its side is F*K.
 */
export function interactionOffers(table: LoadedTable): InteractionOffer[] {
  const { field_dims: fieldDims, tensors = [] } = table.result.options;
  if (table.origin !== 'file' || !fieldDims || tensors.length === 0) return [];
  const f = fieldDims.length;
  const offers: InteractionOffer[] = [];
  tensors.forEach((name, s) => {
    const info = table.tensors.find((t) => t.name === name);
    if (!info || info.shape.length !== 2) return;
    const dim = info.shape[1];
    const weight = defaultCrossWeight(table.tensors, info);
    const side = table.tensors.find((t) => t.name === weight)?.shape[0];
    if (weight === undefined || side !== f * dim) return;
    // Multi-embedding cards label their sets (options.sets); fields are then set-major, "<set> / <field>".
    const set = tensors.length > 1 ? ((table.result.options as { sets?: string[] }).sets?.[s] ?? name) : undefined;
    const names = table.result.fields
      .slice(s * f, (s + 1) * f)
      .map((x) => (set !== undefined && x.name.startsWith(`${set} / `) ? x.name.slice(set.length + 3) : x.name));
    offers.push({
      key: `${table.id}/${name}`,
      tensor: name,
      weight,
      ...(set !== undefined ? { set } : {}),
      fieldDims,
      fieldNames: names.length === f ? names : fieldDims.map((_, i) => `field_${i}`),
      dim,
    });
  });
  return offers;
}

export interface InteractionController {
  /** Computes the matrix of one offer from the card's file (in the analysis worker). */
  compute(tableId: string, offer: InteractionOffer): Promise<void>;
  cancel(): void;
  /** The File of a card analysed in this session (the checkpoint correlation tool reads it too). */
  fileOf(tableId: string): File | undefined;
}

/**
 * Keeps the File of each card analysed in this session (the matrix needs the checkpoint's cross
 * layer, which the analysis does not keep), and computes matrices on request.
 */
export function createInteractionController(
  client: AnalysisClient,
  store: StudioStore,
  interactions: InteractionStore = useInteractionStore,
): InteractionController {
  const files = new Map<string, File>();
  store.subscribe((s, prev) => {
    if (s.tables === prev.tables) return;
    const before = new Set(prev.tables.map((t) => t.id));
    const file = s.flow.file;
    for (const t of s.tables) {
      // A card added by an analysis carries the dialog's file, still in the flow when it is added.
      if (!before.has(t.id) && t.origin === 'file' && file && file.name === t.source) files.set(t.id, file);
    }
    const now = new Set(s.tables.map((t) => t.id));
    for (const id of files.keys()) if (!now.has(id)) files.delete(id);
    interactions.setState({ withFile: Object.fromEntries([...files.keys()].map((id) => [id, true as const])) });
  });
  const set = (key: string, entry: InteractionEntry) => interactions.setState((s) => ({ entries: { ...s.entries, [key]: entry } }));
  return {
    async compute(tableId, offer) {
      const file = files.get(tableId);
      if (!file) {
        set(offer.key, {
          status: 'error',
          error: {
            code: 'read-failed',
            message: 'The checkpoint of this card is not at hand (it was restored from an earlier session).',
            fix: 'Drop the file again to see its interaction matrix.',
          },
        });
        return;
      }
      const total = offer.fieldDims.reduce((a, b) => a + b, 0);
      set(offer.key, { status: 'running', rowsDone: 0, rowsTotal: total });
      const outcome = await client.interaction(
        file,
        { tensor: offer.tensor, weight: offer.weight, fieldDims: offer.fieldDims, fieldNames: offer.fieldNames },
        (rowsDone, rowsTotal) => set(offer.key, { status: 'running', rowsDone, rowsTotal }),
      );
      if (outcome.ok) set(offer.key, { status: 'done', matrix: outcome.matrix, dim: offer.dim, elapsedMs: outcome.elapsedMs });
      else if (outcome.error.code === 'cancelled')
        interactions.setState((s) => ({ entries: Object.fromEntries(Object.entries(s.entries).filter(([k]) => k !== offer.key)) }));
      else set(offer.key, { status: 'error', error: outcome.error });
    },
    cancel() {
      client.cancel();
    },
    fileOf: (tableId) => files.get(tableId),
  };
}
