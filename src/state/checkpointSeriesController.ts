import { create } from 'zustand';
import { MAX_SERIES_FILES, orderSeries, type SeriesOrder } from '../analysis/checkpointSeries.ts';
import type { SerializedImportError } from '../contracts/errors.ts';
import type { FieldResult } from '../contracts/tables.ts';
import { readCheckpointLayout } from '../data/checkpointLayout.ts';
import { ImportError } from '../data/importError.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import { parseFieldDimsText } from './fieldDims.ts';

/** Names of the files a series reads out of a folder. */
const CHECKPOINT_NAME = /\.(pt|pth|ckpt|tar|bin|npy|npz|safetensors|h5|hdf5|keras|onnx|parquet|arrow)$/i;

export interface SeriesSnapshot {
  step: number;
  source: string;
  fields: FieldResult[];
}

export interface CheckpointSeriesState {
  status: 'idle' | 'running' | 'done' | 'error';
  /** File names in series order, with their x values. */
  names: string[];
  order: SeriesOrder | null;
  /** The tensors analysed in every checkpoint (the first one's preselected tables). */
  tensors: string[];
  fieldDims?: number[];
  snapshots: SeriesSnapshot[];
  /** Checkpoints analysed so far, of names.length. */
  done: number;
  error: SerializedImportError | null;
}

const initial: CheckpointSeriesState = { status: 'idle', names: [], order: null, tensors: [], snapshots: [], done: 0, error: null };
export const useCheckpointSeriesStore = create<CheckpointSeriesState>(() => initial);
export type CheckpointSeriesStore = typeof useCheckpointSeriesStore;

export interface CheckpointSeriesController {
  /** Analyses every file the same way (the first one's embedding tables, the given field sizes) and orders them by step. */
  run(files: readonly File[], options: { fieldDimsText: string; keepPicked: boolean }): Promise<void>;
  cancel(): void;
  clear(): void;
}

const fail = (e: unknown): SerializedImportError =>
  e instanceof ImportError
    ? e.toJSON()
    : { code: 'internal', message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, fix: 'Reload the page and try again.' };

/** Several checkpoints of one training (a folder, or files picked together): IA per field over steps. */
export function createCheckpointSeriesController(client: AnalysisClient, store: CheckpointSeriesStore = useCheckpointSeriesStore): CheckpointSeriesController {
  let runId = 0;
  return {
    async run(picked, { fieldDimsText, keepPicked }) {
      const id = ++runId;
      const current = () => id === runId;
      try {
        // A folder also holds logs and configs: only files named as checkpoints or tables are read, when there are any.
        const visible = picked.filter((f) => !f.name.startsWith('.'));
        const named = visible.filter((f) => CHECKPOINT_NAME.test(f.name));
        const files = named.length > 0 ? named : visible;
        if (files.length < 2)
          throw new ImportError(
            'empty',
            `A series needs at least two checkpoints; ${files.length} ${files.length === 1 ? 'was' : 'were'} given.`,
            'Pick several checkpoints of one training, or their folder.',
          );
        if (files.length > MAX_SERIES_FILES)
          throw new ImportError('too-large', `${files.length} files is more than the ${MAX_SERIES_FILES} a series takes.`, 'Pick every few checkpoints.');
        const fieldDims = parseFieldDimsText(fieldDimsText);
        const order = orderSeries(
          files.map((f) => f.name),
          keepPicked,
        );
        const names = order.order.map((i) => files[i].name);
        store.setState({ ...initial, status: 'running', names, order, ...(fieldDims ? { fieldDims } : {}) });
        const first = await client.inspect(files[order.order[0]]);
        if (!current()) return;
        if (!first.ok && first.error.code === 'cancelled') return void store.setState({ status: 'idle' });
        if (!first.ok) throw new ImportError('read-failed', `${names[0]}: ${first.error.message}`, first.error.fix);
        const layout = readCheckpointLayout(first.tensors);
        const tensors = fieldDims ? layout.preselected.slice(0, 1) : layout.preselected;
        if (tensors.length === 0)
          throw new ImportError('no-tensor-selected', `${names[0]} has no embedding table to follow.`, 'Pick checkpoints that hold an embedding table.');
        store.setState({ tensors });
        const snapshots: SeriesSnapshot[] = [];
        for (let k = 0; k < names.length; k++) {
          const file = files[order.order[k]];
          const outcome = await client.analyze(file, { tensors, ...(fieldDims ? { field_dims: fieldDims } : {}), mode: 'recscope' }, () => {});
          if (!current()) return;
          if (!outcome.ok) {
            if (outcome.error.code === 'cancelled') {
              store.setState({ status: snapshots.length >= 2 ? 'done' : 'idle', snapshots });
              return;
            }
            throw new ImportError('read-failed', `${file.name}: ${outcome.error.message}`, outcome.error.fix);
          }
          snapshots.push({ step: order.steps[k], source: file.name, fields: outcome.result.fields });
          store.setState({ snapshots: [...snapshots], done: k + 1 });
        }
        store.setState({ status: 'done' });
      } catch (e) {
        if (current()) store.setState({ status: 'error', error: fail(e) });
      }
    },
    cancel() {
      client.cancel();
    },
    clear() {
      runId++;
      store.setState(initial);
    },
  };
}
