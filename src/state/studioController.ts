import { isTfIndexName } from '../data/formats/tfCheckpoint.ts';
import { readCheckpointLayout } from '../data/checkpointLayout.ts';
import { MAX_FIELD_SIZES_TEXT, readFieldSizes } from '../data/fieldDims.ts';
import { ImportError } from '../data/importError.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import type { BackendName } from '../contracts/backend.ts';
import { chosenSetLabels, fieldSizesSource, formatFieldDims, parseFieldDimsText, tableNotes } from './fieldDims.ts';
import type { StudioStore } from './studioStore.ts';
import { readRemovedExamples } from './removedExamples.ts';

/** The user's actions, wiring the store to the analysis worker. Components call these; they compute nothing. */
export interface StudioController {
  /** `companions`: files picked or dropped with it (a TensorFlow checkpoint's .data shards). */
  pickFile(file: File, companions?: File[]): Promise<void>;
  /** A field-size file (.json list or FuxiCTR feature_map.json, a .log or .txt printing the list) fills field_dims; anything else is projector metadata (row labels) for the worker. */
  pickMetadata(file: File): Promise<void>;
  analyze(): Promise<void>;
  cancel(): void;
  closeDialog(): void;
  refreshBackends(): Promise<void>;
  switchBackend(name: BackendName): Promise<void>;
  /** Adds the built-in examples (analysed in the worker) unless they are already there or the user removed them. */
  loadExamples(): Promise<void>;
}

function toSerialized(e: unknown): SerializedImportError {
  if (e instanceof ImportError) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: 'internal',
    message: `Unexpected error: ${message}`,
    fix: 'Reload the page and try again; if it persists, report the file format and this message.',
  };
}

export function createStudioController(client: AnalysisClient, store: StudioStore): StudioController {
  const state = () => store.getState();

  return {
    async loadExamples() {
      let examples;
      try {
        examples = await client.exampleTables();
      } catch (e) {
        state().setError(toSerialized(e));
        return;
      }
      const shown = new Set(state().tables.map((t) => t.source));
      const removed = readRemovedExamples();
      for (const t of examples) if (!shown.has(t.source) && !removed.has(t.source)) state().addTable(t);
    },

    async pickFile(picked, others = []) {
      if (state().flow.phase === 'analysing') return;
      // Several files at once: a checkpoint's .index is the one opened, its .data shards go along;
      // other files go together as the row ranges (shards) of one table, or partial Grams to merge.
      const file = [picked, ...others].find((f) => isTfIndexName(f.name)) ?? picked;
      const companions = [picked, ...others].filter((f) => f !== file);
      state().setError(null);
      state().resetFlow();
      state().setFlow({ phase: 'inspecting', file, companions });
      let outcome;
      try {
        outcome = await client.inspect(file, undefined, companions);
      } catch (e) {
        outcome = { ok: false as const, error: toSerialized(e) };
      }
      if (state().flow.file !== file) return; // another file was picked meanwhile
      if (!outcome.ok) {
        if (outcome.error.code !== 'cancelled') state().setError(outcome.error);
        state().resetFlow();
        return;
      }
      const layout = readCheckpointLayout(outcome.tensors);
      const kept = outcome.keptFieldSizes;
      state().setFlow({
        phase: 'choosing',
        inspected: outcome,
        layout,
        // A partial-Gram file's tensors are its fields: all of them.
        tensorChoice: outcome.format === 'partialgram' ? outcome.tensors.map((t) => t.name) : layout.preselected,
        // Sizes the model saved beside its table fill the box; the user can still change them.
        ...(kept ? { fieldDimsText: formatFieldDims(kept.dims), fieldSizes: { from: `${kept.tensor}, a tensor saved in the checkpoint` } } : {}),
      });
    },

    async pickMetadata(file) {
      state().setError(null);
      const lower = file.name.toLowerCase();
      if (lower.endsWith('.json') || lower.endsWith('.log') || lower.endsWith('.txt')) {
        try {
          if (file.size > MAX_FIELD_SIZES_TEXT) {
            throw new ImportError(
              'bad-field-dims',
              `${file.name} is ${file.size} bytes, above the ${MAX_FIELD_SIZES_TEXT} read for field sizes.`,
              'Give a file holding the field sizes.',
            );
          }
          const sizes = readFieldSizes(await file.text());
          // A .txt without a printed list is projector metadata (one label per row), not field sizes.
          if (!lower.endsWith('.txt') || sizes.from === 'log') {
            state().setFlow({
              fieldDimsText: formatFieldDims(sizes.dims),
              fieldSizes: { ...(sizes.names ? { names: sizes.names } : {}), from: fieldSizesSource(file.name, sizes.from) },
            });
            return;
          }
        } catch (e) {
          if (!lower.endsWith('.txt')) {
            state().setError(toSerialized(e));
            return;
          }
        }
      }
      state().setFlow({ metadata: file });
      const table = state().flow.file;
      if (!table) return;
      const outcome = await client.inspect(table, file, state().flow.companions).catch((e: unknown) => ({ ok: false as const, error: toSerialized(e) }));
      if (state().flow.file !== table) return;
      if (outcome.ok) state().setFlow({ inspected: outcome });
      else if (outcome.error.code !== 'cancelled') state().setError(outcome.error);
    },

    async analyze() {
      const { flow } = state();
      if (flow.phase !== 'choosing' || !flow.file || !flow.inspected) return;
      let fieldDims: number[] | undefined;
      try {
        fieldDims = parseFieldDimsText(flow.fieldDimsText);
        if (flow.tensorChoice.length === 0) {
          throw new ImportError('no-tensor-selected', 'No tensor is selected.', 'Tick at least one analysable tensor in the list.');
        }
      } catch (e) {
        state().setError(toSerialized(e));
        return;
      }
      const { file, inspected, metadata } = flow;
      const layout = flow.layout ?? readCheckpointLayout(inspected.tensors);
      const names = fieldDims && flow.fieldSizes?.names?.length === fieldDims.length ? flow.fieldSizes.names : undefined;
      const setNames = fieldDims ? chosenSetLabels(layout, flow.tensorChoice) : undefined;
      const notes = tableNotes(layout, inspected.tensors, flow.tensorChoice, fieldDims, fieldDims ? flow.fieldSizes?.from : undefined);
      state().setError(null);
      state().dismissNotice('analysis-cancelled');
      state().setFlow({
        phase: 'analysing',
        progress: { rowsDone: 0, rowsTotal: null, bytesDone: 0, bytesTotal: file.size, rowsPerSecond: 0 },
      });
      let outcome;
      try {
        outcome = await client.analyze(
          file,
          {
            tensors: flow.tensorChoice,
            field_dims: fieldDims,
            mode: flow.mode,
            maxDim: flow.maxDim,
            ...(names ? { fieldNames: names } : {}),
            ...(setNames ? { setNames } : {}),
          },
          (progress) => {
            if (state().flow.phase === 'analysing') state().setFlow({ progress });
          },
          metadata ?? undefined,
          flow.companions,
        );
      } catch (e) {
        outcome = { ok: false as const, error: toSerialized(e) };
      }
      if (outcome.ok) {
        const id = state().addTable({
          // The file's name; the shards' ("a.npy … c.npy (3 shards)"), or the tables partial Grams summed.
          source: outcome.result.source,
          format: inspected.format,
          bytes: inspected.bytes,
          tensors: inspected.tensors,
          result: outcome.result,
          elapsedMs: outcome.elapsedMs,
          origin: 'file',
          gramEngine: outcome.gramEngine,
          ...(notes ? { notes } : {}),
        });
        state().resetFlow();
        state().setRevealTable(id);
        return;
      }
      // Back to the dialog so the choice can be corrected; loaded tables are untouched.
      const rowsRead = state().flow.progress?.rowsDone ?? 0;
      state().setFlow({ phase: 'choosing', progress: null });
      if (outcome.error.code !== 'cancelled') state().setError(outcome.error);
      else
        state().pushNotice({
          id: 'analysis-cancelled',
          kind: 'info',
          text: `Analysis of ${file.name} cancelled after ${rowsRead.toLocaleString('en-US')} rows: no card was added.`,
        });
    },

    cancel() {
      client.cancel();
    },

    closeDialog() {
      if (state().flow.phase !== 'analysing') state().resetFlow();
    },

    async refreshBackends() {
      state().setBackendBusy(true);
      try {
        state().setBackend(await client.backends());
      } catch {
        state().setBackendBusy(false);
      }
    },

    async switchBackend(name) {
      state().setBackendBusy(true);
      try {
        state().setBackend(await client.setBackend(name));
      } catch (e) {
        state().setBackendBusy(false);
        state().setError(toSerialized(e));
      }
    },
  };
}
