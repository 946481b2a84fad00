import type { AnalysisResult, FieldResult } from '../analysis/types.ts';
import type { TensorInfo } from '../data/tableFile.ts';
import type { LoadedTable } from './studioStore.ts';

/**
 * What is kept of an analysed table: the result and its provenance, never the file's bytes.
 * The same shape is stored in IndexedDB and written to workspace files.
 */
export interface SavedTable {
  source: string;
  format: LoadedTable['format'];
  bytes: number;
  tensors: TensorInfo[];
  result: AnalysisResult;
  elapsedMs: number;
  gramEngine: LoadedTable['gramEngine'];
  savedAt: number;
}

/** One training (or any iterative) run: its configuration, metric history and spectra over time. */
export interface RunRecord {
  id: string;
  /** Which view made it ("ctr-training", "multitask", ...). */
  kind: string;
  label: string;
  createdAt: number;
  updatedAt: number;
  config: Record<string, unknown>;
  /** Metric values per logged step, e.g. { step: 100, loss: 0.45, auc: 0.71 }. */
  metrics: { step: number; values: Record<string, number> }[];
  /** Per-field spectra captured during the run. */
  spectra: { step: number; fields: FieldResult[] }[];
}

export function toSavedTable(t: Omit<LoadedTable, 'id'>, now = Date.now()): SavedTable {
  return { source: t.source, format: t.format, bytes: t.bytes, tensors: t.tensors, result: t.result, elapsedMs: t.elapsedMs, gramEngine: t.gramEngine, savedAt: now };
}

export function fromSavedTable(t: SavedTable): Omit<LoadedTable, 'id'> {
  return { source: t.source, format: t.format, bytes: t.bytes, tensors: t.tensors, result: t.result, elapsedMs: t.elapsedMs, origin: 'file', gramEngine: t.gramEngine };
}

/** Why a value is not a valid record: the path of the first bad part, e.g. "tables[0].result.fields[2].dim". */
export class RecordError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(ok: boolean, path: string, what: string): void {
  if (!ok) throw new RecordError(`${path} should be ${what}`);
}
const num = (v: unknown, path: string) => need(typeof v === 'number' && Number.isFinite(v), path, 'a finite number');
const str = (v: unknown, path: string) => need(typeof v === 'string', path, 'text');
function numArray(v: unknown, path: string): void {
  need(Array.isArray(v), path, 'a list of numbers');
  (v as unknown[]).forEach((x, i) => num(x, `${path}[${i}]`));
}
function obj(v: unknown, path: string): Obj {
  need(isObj(v), path, 'an object');
  return v as Obj;
}
function list(v: unknown, path: string): unknown[] {
  need(Array.isArray(v), path, 'a list');
  return v as unknown[];
}

const FORMATS = ['npy', 'npz', 'safetensors', 'tsv', 'csv', 'word2vec', 'torch', 'generated'];
const GRAM_ENGINES = ['float64-js', 'backend-matmul'];
const MODES = ['recscope', 'raw', 'centered'];

function checkField(v: unknown, path: string): void {
  const f = obj(v, path);
  str(f.name, `${path}.name`);
  for (const k of ['rows', 'dim', 'information_abundance', 'effective_rank', 'excluded_rows']) num(f[k], `${path}.${k}`);
  numArray(f.singular_values, `${path}.singular_values`);
  numArray(f.normalized_spectrum, `${path}.normalized_spectrum`);
}

export function checkSavedTable(v: unknown, path = 'table'): SavedTable {
  const t = obj(v, path);
  str(t.source, `${path}.source`);
  need(FORMATS.includes(t.format as string), `${path}.format`, `one of ${FORMATS.join(', ')}`);
  num(t.bytes, `${path}.bytes`);
  num(t.elapsedMs, `${path}.elapsedMs`);
  num(t.savedAt, `${path}.savedAt`);
  need(GRAM_ENGINES.includes(t.gramEngine as string), `${path}.gramEngine`, `one of ${GRAM_ENGINES.join(', ')}`);
  list(t.tensors, `${path}.tensors`).forEach((x, i) => {
    const ti = obj(x, `${path}.tensors[${i}]`);
    str(ti.name, `${path}.tensors[${i}].name`);
    numArray(ti.shape, `${path}.tensors[${i}].shape`);
  });
  const r = obj(t.result, `${path}.result`);
  str(r.source, `${path}.result.source`);
  const o = obj(r.options, `${path}.result.options`);
  need(MODES.includes(o.mode as string), `${path}.result.options.mode`, `one of ${MODES.join(', ')}`);
  list(r.fields, `${path}.result.fields`).forEach((f, i) => checkField(f, `${path}.result.fields[${i}]`));
  return v as SavedTable;
}

export function checkRunRecord(v: unknown, path = 'run'): RunRecord {
  const r = obj(v, path);
  for (const k of ['id', 'kind', 'label']) str(r[k], `${path}.${k}`);
  num(r.createdAt, `${path}.createdAt`);
  num(r.updatedAt, `${path}.updatedAt`);
  obj(r.config, `${path}.config`);
  list(r.metrics, `${path}.metrics`).forEach((m, i) => {
    const e = obj(m, `${path}.metrics[${i}]`);
    num(e.step, `${path}.metrics[${i}].step`);
    Object.entries(obj(e.values, `${path}.metrics[${i}].values`)).forEach(([k, x]) => num(x, `${path}.metrics[${i}].values.${k}`));
  });
  list(r.spectra, `${path}.spectra`).forEach((s, i) => {
    const e = obj(s, `${path}.spectra[${i}]`);
    num(e.step, `${path}.spectra[${i}].step`);
    list(e.fields, `${path}.spectra[${i}].fields`).forEach((f, j) => checkField(f, `${path}.spectra[${i}].fields[${j}]`));
  });
  return v as RunRecord;
}
