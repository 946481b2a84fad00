/**
 * What the analysis worker does, free of worker plumbing so Node tests can drive it: open and
 * analyse uploaded files and cancel the running job. It never loads tfjs: the Gram is float64 JS,
 * and the backend ladder lives in its own worker (backendService.ts).
 */
import { blobByteSource } from '../data/byteSource.ts';
import { blobStreamSource } from '../engine/blobStreamSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import type { TableFile } from '../data/tableFile.ts';
import { readCheckpointLayout } from '../data/checkpointLayout.ts';
import { readFieldSizesTensor } from '../data/fieldSizesTensor.ts';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { analyzeGramTable, mergePartialGrams } from '../analysis/partialGram.ts';
import { partialGramTable } from '../data/formats/partialGramJson.ts';
import { isTfIndexName } from '../data/formats/tfCheckpoint.ts';
import { ImportError } from '../data/importError.ts';
import { naturalCompare, shardedTableFile, shardSetName } from '../data/shardedTable.ts';
import { readAheadSource } from '../engine/readAheadSource.ts';
import { blockRowsFor } from '../engine/blockRows.ts';
import type { AnalysisHooks } from '../analysis/analyzeTable.ts';
import type { AnalysisProgress } from '../contracts/tables.ts';
import { buildExampleTables, type ExampleTable } from '../examples/exampleTables.ts';
import { CANCELLED, toSerializedError } from './analysisErrors.ts';
import { parallelTensorGram, type RangeRunner } from './parallelGram.ts';
import type {
  AnalyzeOutcome,
  AnalyzeRequest,
  CorrelationOutcome,
  CorrelationRequest,
  InspectOutcome,
  InteractionOutcome,
  InteractionRequest,
} from './analysisProtocol.ts';
import { interactionCollapseOfFile } from '../analysis/interactionCollapse.ts';
import { checkpointCorrelation } from '../analysis/checkpointCorrelation.ts';

export interface AnalysisService {
  inspect(file: File, metadata?: File, companions?: File[]): Promise<InspectOutcome>;
  analyze(file: File, request: AnalyzeRequest, onProgress: (p: AnalysisProgress) => void, metadata?: File, companions?: File[]): Promise<AnalyzeOutcome>;
  interaction(file: File, request: InteractionRequest, onProgress: (rowsDone: number, rowsTotal: number) => void): Promise<InteractionOutcome>;
  correlation(file: File, request: CorrelationRequest): Promise<CorrelationOutcome>;
  cancel(): void;
  exampleTables(): Promise<ExampleTable[]>;
}

/** Blob reads are browser IPC: big blocks from one stream, the next one read while the current one is summed. */
async function open(file: File, metadata: File | undefined, signal: AbortSignal, companions: File[] = []): Promise<TableFile> {
  // Several files but a checkpoint's .index and its .data files: a table's shards, or partial Grams to merge.
  if (companions.length > 0 && !isTfIndexName(file.name)) return openTogether([file, ...companions], signal);
  const table = readAheadSource(blobStreamSource(file, file.name));
  // Files picked or dropped with this one (a checkpoint's .data shards), found by name.
  const companion = async (name: string) => {
    const other = companions.find((f) => f.name === name);
    return other ? blobByteSource(other, other.name) : undefined;
  };
  return openTableFile(table, { signal, companion, ...(metadata ? { metadata: blobByteSource(metadata, metadata.name) } : {}) });
}

/**
 * Files dropped together: partial-Gram files (all .json) merged into the sums of their table, or the
 * row-range shards of one table read as one (shardedTableFile checks they fit together).
 */
async function openTogether(files: File[], signal: AbortSignal): Promise<TableFile> {
  const tables: TableFile[] = [];
  for (const f of files) tables.push(await openTableFile(readAheadSource(blobStreamSource(f, f.name)), { signal }));
  const grams = tables.filter((t) => t.partialGram);
  if (grams.length === 0) return shardedTableFile(tables);
  if (grams.length < tables.length) {
    throw new ImportError(
      'shape-mismatch',
      `${grams[0].source.name} holds partial Grams and ${tables.find((t) => !t.partialGram)!.source.name} a table: they cannot be read as one.`,
      'Drop the partial-Gram files of one table together, or the shards of one table together.',
    );
  }
  const merged = mergePartialGrams(
    grams.map((t) => t.partialGram!),
    grams.map((t) => t.source.name),
  );
  const names = grams.map((t) => t.source.name).sort(naturalCompare);
  return partialGramTable(merged, {
    name: shardSetName(names),
    size: files.reduce((n, f) => n + f.size, 0),
    read: () => Promise.reject(new Error('merged partial Grams have no bytes')),
  });
}

/** Helpers for a tensor of this many bytes (none by default: Node tests and one-core machines). */
export type GramHelpers = (tensorBytes: number) => RangeRunner[];

/**
 * A tensor stored as C-order rows in the file itself (.npy, .safetensors, a stored .npz member) is
 * summed by row ranges read straight from the File (this thread plus helper workers); Fortran
 * order, deflated members and text stream through readRows.
 */
function fileTensorGram(file: File, table: TableFile, helpers: GramHelpers, signal: AbortSignal): AnalysisHooks['tensorGram'] {
  return (tensor, mode, onRows) => {
    const layout = table.rowLayout?.(tensor.name);
    if (!layout) return null;
    const bytes = layout.rows * layout.dim * layout.dtype.itemSize;
    return parallelTensorGram(file, layout, mode, helpers(bytes), signal, onRows);
  };
}

/** `helpers` lends worker threads to the Gram of large .npy tables. */
export function createAnalysisService(helpers: GramHelpers = () => []): AnalysisService {
  let current: AbortController | null = null;
  /** Header reads in flight; cancel() stops them too (a big checkpoint's pickle takes seconds). */
  const inspecting = new Set<AbortController>();

  return {
    exampleTables: async () => buildExampleTables(),
    async inspect(file, metadata, companions) {
      const controller = new AbortController();
      inspecting.add(controller);
      try {
        const table = await open(file, metadata, controller.signal, companions);
        const keptFieldSizes = await fieldSizesKeptBeside(table);
        return {
          ok: true,
          source: table.source.name,
          format: table.format,
          // Shards' or partial Grams' bytes together.
          bytes: table.source.size,
          tensors: table.tensors,
          ...(table.labels ? { labelCount: table.labels.length } : {}),
          ...(keptFieldSizes ? { keptFieldSizes } : {}),
        };
      } catch (err) {
        return { ok: false, error: controller.signal.aborted ? CANCELLED : toSerializedError(err) };
      } finally {
        inspecting.delete(controller);
      }
    },

    async analyze(file, request, onProgress, metadata, companions) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      const t0 = performance.now();
      try {
        const table = await open(file, metadata, controller.signal, companions);
        const chunkRows = blockRowsFor(table.tensors.filter((t) => request.tensors.includes(t.name)));
        const tensorGram = fileTensorGram(file, table, helpers, controller.signal);
        const result =
          analyzeGramTable(table, request) ?? (await analyzeTableFile(table, request, { signal: controller.signal, onProgress, chunkRows, tensorGram }));
        return { ok: true, result, elapsedMs: performance.now() - t0, gramEngine: 'float64-js' };
      } catch (err) {
        return { ok: false, error: controller.signal.aborted ? CANCELLED : toSerializedError(err) };
      } finally {
        if (current === controller) current = null;
      }
    },

    async interaction(file, request, onProgress) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      const t0 = performance.now();
      try {
        const table = await open(file, undefined, controller.signal);
        const matrix = await interactionCollapseOfFile(table, request, { signal: controller.signal, onProgress });
        return { ok: true, matrix, elapsedMs: performance.now() - t0 };
      } catch (err) {
        return { ok: false, error: controller.signal.aborted ? CANCELLED : toSerializedError(err) };
      } finally {
        if (current === controller) current = null;
      }
    },

    async correlation(file, request) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      const t0 = performance.now();
      try {
        const table = await open(file, undefined, controller.signal);
        const correlation = await checkpointCorrelation(table, request, { signal: controller.signal });
        return { ok: true, correlation, elapsedMs: performance.now() - t0 };
      } catch (err) {
        return { ok: false, error: controller.signal.aborted ? CANCELLED : toSerializedError(err) };
      } finally {
        if (current === controller) current = null;
      }
    },

    cancel() {
      current?.abort();
      for (const controller of inspecting) controller.abort();
    },
  };
}

/** A field_dims / offsets tensor whose values split the tables the dialog preselects (all of one row count). */
async function fieldSizesKeptBeside(table: TableFile): Promise<{ dims: number[]; tensor: string } | undefined> {
  const preselected = readCheckpointLayout(table.tensors).preselected;
  const rows = new Set(preselected.map((name) => table.tensors.find((t) => t.name === name)?.shape[0]));
  const [only] = rows;
  return rows.size === 1 && only !== undefined && only > 0 ? readFieldSizesTensor(table, only) : undefined;
}
