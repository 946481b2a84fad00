import { describeValue } from '../data/describeValue.ts';
import { MAX_DIM_CEILING } from '../analysis/dimensionLimit.ts';
import { effectiveRank, informationAbundance } from '../analysis/spectrum.ts';
import type { AnalysisResult, FieldResult, LoadedTable, TensorInfo } from '../contracts/tables.ts';
import type { ImportErrorCode } from '../contracts/errors.ts';
import { MTL_ARMS } from '../contracts/multitaskConfig.ts';
import type { FormSchema } from './formSchema.ts';
import { MULTITASK_SETTINGS } from './multitaskSettings.ts';
import { SEQUENCE_SETTINGS } from './sequenceSettings.ts';
import { LEGACY_TRAINING_DROPOUT, TRAINING_SETTINGS } from './trainingSettings.ts';

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
  /** What the card says of the file's layout (optimizer state, a probably concatenated table); absent in older records. */
  notes?: LoadedTable['notes'];
  savedAt: number;
}

/** One training (or any iterative) run: its configuration, metric history and spectra over time. */
export interface RunRecord {
  /** Absent in records saved before versioning (version 1); see runRecord.ts. */
  version?: number;
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

/**
 * The fields a loaded table and its saved record share, copied one by one: a spread would carry
 * the other side's own fields (id, origin, savedAt) into the copy.
 */
function tableFields(t: Omit<SavedTable, 'savedAt'>): Omit<SavedTable, 'savedAt'> {
  return {
    source: t.source,
    format: t.format,
    bytes: t.bytes,
    tensors: t.tensors,
    result: t.result,
    elapsedMs: t.elapsedMs,
    gramEngine: t.gramEngine,
    ...(t.notes ? { notes: t.notes } : {}),
  };
}

export function toSavedTable(t: Omit<LoadedTable, 'id'>, now = Date.now()): SavedTable {
  return { ...tableFields(t), savedAt: now };
}

export function fromSavedTable(t: SavedTable): Omit<LoadedTable, 'id'> {
  return { ...tableFields(t), origin: 'file' };
}

/**
 * The widest embedding a saved record may declare: analysis refuses wider tables even with its
 * limit raised, so a larger figure is a damaged or forged record (and would make exports huge).
 */
export const MAX_RECORD_DIM = MAX_DIM_CEILING;
/** Limits on what one record may hold, so a forged record cannot exhaust memory or the stack. */
export const RECORD_LIMITS = {
  text: 4096,
  fieldsPerTable: 10_000,
  tensorsPerTable: 100_000,
  shapeRank: 64,
  metricsPerRun: 1_000_000,
  valuesPerMetric: 1000,
  spectraPerRun: 100_000,
  namesPerRun: 10_000,
  configDepth: 32,
  configNodes: 5_000_000,
};

/**
 * Why a value is not a valid record. The message names the record and the part of it, e.g.
 * "table 3, field 'user_id': dim 0.5 is not a whole number"; `code` is the ImportError code a
 * file import reports it under.
 */
export class RecordError extends Error {
  readonly code: ImportErrorCode;

  constructor(code: ImportErrorCode, message: string) {
    super(message);
    this.name = 'RecordError';
    this.code = code;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An own property only: a record's missing `constructor` must not read Object.prototype's. */
const own = (o: Obj, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** A value as a message shows it: short, never the whole of a forged payload. */

/** Checks the parts of one record; `where` names it ("table 3, field 'user_id'"). */
class Check {
  constructor(readonly where: string) {}

  at(part: string): Check {
    return new Check(`${this.where}, ${part}`);
  }

  fail(code: ImportErrorCode, what: string, problem: string): never {
    throw new RecordError(code, `${this.where}: ${what} ${problem}`);
  }

  number(o: Obj, key: string, min = -Infinity, max = Infinity): number {
    return this.numberValue(own(o, key), key, min, max);
  }

  numberValue(v: unknown, what: string, min = -Infinity, max = Infinity): number {
    if (v === undefined) this.fail('bad-header', what, 'is missing');
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail('non-numeric', what, `${describeValue(v)} is not a finite number`);
    if (v < min) this.fail('bad-header', what, `${v} is below ${min}`);
    if (v > max)
      this.fail(max === MAX_RECORD_DIM ? 'too-large' : 'bad-header', what, `${v} is above ${max}${max === MAX_RECORD_DIM ? ' (the dimension limit)' : ''}`);
    return v;
  }

  /** Every entry of a long list; the message names the first bad one ("singular value 3"). */
  numbers(list: unknown[], what: string, min = -Infinity, max = Infinity): void {
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.numberValue(v, `${what} ${i + 1}`, min, max);
    }
  }

  whole(o: Obj, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.number(o, key);
    if (!Number.isInteger(v)) this.fail('bad-header', key, `${v} is not a whole number`);
    return this.numberValue(v, key, min, max);
  }

  text(o: Obj, key: string, { nonEmpty = false } = {}): string {
    const v = own(o, key);
    if (typeof v !== 'string') this.fail('bad-header', key, `${describeValue(v)} is not text`);
    if (v.length > RECORD_LIMITS.text) this.fail('too-large', key, `is ${v.length} characters long (at most ${RECORD_LIMITS.text})`);
    if (nonEmpty && v === '') this.fail('bad-header', key, 'is empty');
    return v;
  }

  oneOf<T extends string>(o: Obj, key: string, values: readonly T[]): T {
    const v = own(o, key);
    if (!(values as readonly unknown[]).includes(v)) this.fail('bad-header', key, `${describeValue(v)} is not one of ${values.join(', ')}`);
    return v as T;
  }

  object(o: Obj, key: string): Obj {
    const v = own(o, key);
    if (!isObj(v)) this.fail('bad-header', key, `${describeValue(v)} is not an object`);
    return v;
  }

  list(o: Obj, key: string, maxLength: number): unknown[] {
    const v = own(o, key);
    if (!Array.isArray(v)) this.fail('bad-header', key, `${describeValue(v)} is not a list`);
    if (v.length > maxLength) this.fail('too-large', key, `has ${v.length} entries (at most ${maxLength})`);
    return v;
  }

  item(v: unknown, what: string): Obj {
    if (!isObj(v)) this.fail('bad-header', what, `${describeValue(v)} is not an object`);
    return v;
  }

  names(o: Obj, key: string): string[] {
    const names = this.list(o, key, RECORD_LIMITS.namesPerRun);
    names.forEach((n, i) => this.text({ [`${key}[${i + 1}]`]: n }, `${key}[${i + 1}]`));
    return names as string[];
  }
}

const FORMATS: readonly LoadedTable['format'][] = [
  'npy',
  'npz',
  'safetensors',
  'tsv',
  'csv',
  'word2vec',
  'torch',
  'onnx',
  'parquet',
  'hdf5',
  'keras',
  'tfcheckpoint',
  'partialgram',
  'generated',
];
const GRAM_ENGINES: readonly LoadedTable['gramEngine'][] = ['float64-js', 'backend-matmul'];
const MODES = ['recscope', 'raw', 'centered'] as const;
/** IA and effective rank are recomputed from the singular values; they must agree this closely. */
const DERIVED_TOLERANCE = 1e-9;

const close = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

/** One field's spectrum: whole counts, lengths that match its dim, and figures that follow from its singular values. */
function checkField(v: unknown, c: Check, index: number): FieldResult {
  const f = c.item(v, `field ${index + 1}`);
  const named = c.at(`field ${index + 1}`);
  const name = named.text(f, 'name');
  const at = c.at(`field '${name.length > 60 ? `${name.slice(0, 60)}…` : name}'`);
  const rows = at.whole(f, 'rows', 0);
  const dim = at.whole(f, 'dim', 1, MAX_RECORD_DIM);
  at.whole(f, 'excluded_rows', 0);
  const sv = at.list(f, 'singular_values', MAX_RECORD_DIM);
  if (sv.length !== Math.min(rows, dim)) at.fail('shape-mismatch', 'singular_values', `has ${sv.length} values, not min(rows, dim) = ${Math.min(rows, dim)}`);
  at.numbers(sv, 'singular value', 0);
  // Descending, as the eigen-solve returns them (a relative slack for rounding).
  const descending = (sv as number[]).findIndex((s, i) => i > 0 && s > (sv[i - 1] as number) * (1 + DERIVED_TOLERANCE));
  if (descending > 0) at.fail('bad-header', 'singular_values', `are not in descending order (value ${descending + 1} is above value ${descending})`);
  const spectrum = at.list(f, 'normalized_spectrum', MAX_RECORD_DIM);
  if (spectrum.length !== dim) at.fail('shape-mismatch', 'normalized_spectrum', `has ${spectrum.length} values, not dim = ${dim}`);
  at.numbers(spectrum, 'normalized_spectrum value', 0, 1);

  const values = sv as number[];
  const allZero = values.every((s) => s === 0);
  // An all-zero table has no spectrum: IA and effective rank are 0 (see spectrum.ts); otherwise both lie in [1, dim].
  const ia = at.number(f, 'information_abundance');
  const rank = at.number(f, 'effective_rank');
  if (!allZero) {
    // The same relative slack as the rank: 0.1 * I of size 3 sums to IA 3.0000000000000004.
    at.numberValue(ia, 'information_abundance', 1, dim * (1 + DERIVED_TOLERANCE));
    at.numberValue(rank, 'effective_rank', 1, dim * (1 + DERIVED_TOLERANCE));
  }
  if (!close(ia, informationAbundance(values), DERIVED_TOLERANCE))
    at.fail('bad-header', 'information_abundance', `${ia} does not match its singular values (${informationAbundance(values)})`);
  if (!close(rank, effectiveRank(values), DERIVED_TOLERANCE))
    at.fail('bad-header', 'effective_rank', `${rank} does not match its singular values (${effectiveRank(values)})`);
  const top = values.reduce((m, s) => Math.max(m, s), 0);
  (spectrum as number[]).forEach((s, i) => {
    const expected = top > 0 && i < values.length ? values[i] / top : 0;
    if (!close(s, expected, DERIVED_TOLERANCE)) at.fail('bad-header', `normalized_spectrum value ${i + 1}`, `${s} is not s_${i + 1} / s_max (${expected})`);
  });
  return v as FieldResult;
}

function checkFields(fields: unknown[], c: Check): void {
  fields.forEach((f, i) => checkField(f, c, i));
}

/** A card's layout notes: short texts and, for a concatenated table, its field count and dim. */
function checkNotes(n: Obj, c: Check): void {
  if (own(n, 'optimizerState') !== undefined) c.text(n, 'optimizerState');
  if (own(n, 'fieldSizesFrom') !== undefined) c.text(n, 'fieldSizesFrom');
  if (own(n, 'concatenated') !== undefined) {
    const k = c.object(n, 'concatenated');
    const kc = c.at('concatenated');
    kc.whole(k, 'fields', 2);
    kc.whole(k, 'dim', 1, MAX_RECORD_DIM);
    kc.text(k, 'evidence');
    kc.text(k, 'text');
  }
}

/** `where` names the record in messages, e.g. "table 3" (workspace files) or "stored table" (IndexedDB). */
export function checkSavedTable(v: unknown, where = 'table'): SavedTable {
  const c = new Check(where);
  const t = c.item(v, 'the record');
  c.text(t, 'source');
  c.oneOf(t, 'format', FORMATS);
  c.whole(t, 'bytes', 0);
  c.number(t, 'elapsedMs', 0);
  c.number(t, 'savedAt');
  c.oneOf(t, 'gramEngine', GRAM_ENGINES);
  c.list(t, 'tensors', RECORD_LIMITS.tensorsPerTable).forEach((x, i) => {
    const at = c.at(`tensor ${i + 1}`);
    const ti = c.item(x, `tensor ${i + 1}`);
    at.text(ti, 'name');
    at.text(ti, 'dtype');
    if (typeof own(ti, 'analysable') !== 'boolean') at.fail('bad-header', 'analysable', `${describeValue(own(ti, 'analysable'))} is not true or false`);
    if (own(ti, 'reason') !== undefined) at.text(ti, 'reason');
    // -1: a text table's row count before it was read (see TensorInfo).
    at.list(ti, 'shape', RECORD_LIMITS.shapeRank).forEach((n, j) => at.whole({ [`shape[${j + 1}]`]: n }, `shape[${j + 1}]`, -1));
  });
  const r = c.object(t, 'result');
  const rc = c.at('result');
  rc.text(r, 'source');
  const o = rc.object(r, 'options');
  const oc = rc.at('options');
  oc.oneOf(o, 'mode', MODES);
  if (own(o, 'field_dims') !== undefined) {
    oc.list(o, 'field_dims', RECORD_LIMITS.fieldsPerTable).forEach((n, j) => oc.whole({ [`field_dims[${j + 1}]`]: n }, `field_dims[${j + 1}]`, 1));
  }
  if (own(o, 'tensors') !== undefined) oc.names(o, 'tensors');
  const fields = rc.list(r, 'fields', RECORD_LIMITS.fieldsPerTable);
  if (fields.length === 0) rc.fail('bad-header', 'fields', 'is empty (an analysed table has at least one field)');
  if (own(o, 'sets') !== undefined) {
    const sets = oc.names(o, 'sets');
    const perSet = Array.isArray(own(o, 'field_dims')) ? (own(o, 'field_dims') as unknown[]).length : 0;
    if (sets.length * perSet !== fields.length)
      oc.fail('shape-mismatch', 'sets', `${sets.length} sets of ${perSet} fields do not make the ${fields.length} fields`);
  }
  checkFields(fields, c);
  if (own(t, 'notes') !== undefined) checkNotes(c.object(t, 'notes'), c.at('notes'));
  return v as SavedTable;
}

/**
 * Any JSON-like value of bounded depth and size (a run's config). Numbers may be NaN (IndexedDB
 * keeps it; a workspace file holds it as null).
 */
function checkPlainValue(v: unknown, c: Check, what: string): void {
  let nodes = 0;
  const visit = (x: unknown, depth: number): void => {
    if (++nodes > RECORD_LIMITS.configNodes) c.fail('too-large', what, `holds more than ${RECORD_LIMITS.configNodes} values`);
    if (depth > RECORD_LIMITS.configDepth) c.fail('too-large', what, `is nested more than ${RECORD_LIMITS.configDepth} levels deep`);
    if (x === null || typeof x === 'number' || typeof x === 'boolean') return;
    if (typeof x === 'string') {
      if (x.length > RECORD_LIMITS.text * 10) c.fail('too-large', what, `holds a text of ${x.length} characters`);
      return;
    }
    if (Array.isArray(x)) {
      for (const y of x) visit(y, depth + 1);
      return;
    }
    if (isObj(x)) {
      for (const key of Object.keys(x)) visit(x[key], depth + 1);
      return;
    }
    c.fail('bad-header', what, `holds ${typeof x}, which a saved run cannot hold`);
  };
  visit(v, 0);
}

/**
 * A run's form, setting by setting, against its view's settings table: text and choices must be
 * what the link accepts; numbers need only be finite, since forms before the one table let some
 * settings past the link's ranges (a run trained that way must still come back).
 */
function checkForm(form: Obj, settings: FormSchema, c: Check): void {
  for (const [formKey, { field }] of Object.entries(settings)) {
    const v = own(form, formKey);
    if (typeof field.default === 'number') c.number(form, formKey);
    else if (typeof v !== typeof field.default || field.parse(field.format(v)) !== v)
      c.fail('bad-header', formKey, `${describeValue(v)} is not ${field.describe}`);
  }
}

const RUN_STATUSES = ['idle', 'loading', 'running', 'paused', 'done', 'stopped', 'error', 'interrupted'] as const;
/** A number the run did not measure is NaN in memory and null in a workspace file. */
const numberOrNull = (o: Obj, key: string, c: Check) => (own(o, key) === null || Number.isNaN(own(o, key)) ? null : c.number(o, key));

/** The config of a Train-view run (toRunRecord in trainingController.ts). */
function checkTrainingConfig(config: Obj, c: Check): void {
  // Records from before the form had a dropout setting trained with the model's 0.2 (fromRunRecord fills it in).
  checkForm({ dropout: LEGACY_TRAINING_DROPOUT, ...c.object(config, 'form') }, TRAINING_SETTINGS, c.at('form'));
  c.text(config, 'datasetName');
  c.whole(config, 'parameters', 0);
  c.oneOf(config, 'status', RUN_STATUSES);
  numberOrNull(config, 'bayesAuc', c);
  const savedStep = own(config, 'savedStep');
  if (savedStep !== undefined && savedStep !== null) c.whole(config, 'savedStep', 0);
  const final = own(config, 'final');
  if (final !== null) {
    const f = c.object(config, 'final');
    const fc = c.at('final');
    fc.whole(f, 'step', 0);
    fc.whole(f, 'parameters', 0);
    fc.whole(f, 'bestStep', -1); // -1: no validation was ever better than none
    for (const key of ['bestValidAuc', 'testAuc', 'testLogloss']) numberOrNull(f, key, fc);
  }
}

/** The config of a Multi-task run (toMtlRecord in multitaskController.ts). */
function checkMultitaskConfig(config: Obj, c: Check): void {
  const run = c.object(config, 'run');
  const rc = c.at('run');
  checkForm(rc.object(run, 'form'), MULTITASK_SETTINGS, rc.at('form'));
  rc.text(run, 'datasetName');
  rc.oneOf(run, 'status', RUN_STATUSES);
  rc.whole(run, 'step', 0);
  rc.whole(run, 'epoch', 0);
  const tasks = rc.names(run, 'tasks');
  rc.names(run, 'fields');
  rc.names(run, 'layers');
  rc.list(run, 'snapshots', RECORD_LIMITS.spectraPerRun).forEach((s, i) => {
    const sc = rc.at(`snapshot ${i + 1}`);
    const snapshot = rc.item(s, `snapshot ${i + 1}`);
    sc.whole(snapshot, 'step', 0);
    const arms = sc.object(snapshot, 'arms');
    for (const arm of MTL_ARMS) sc.object(arms, arm);
  });
  c.list(config, 'metrics', RECORD_LIMITS.metricsPerRun).forEach((m, i) => {
    const mc = c.at(`metrics point ${i + 1}`);
    const point = c.item(m, `metrics point ${i + 1}`);
    mc.whole(point, 'step', 0);
    for (const group of ['all', 'comparable']) {
      const byArm = mc.object(point, group);
      for (const arm of MTL_ARMS) {
        const perTask = mc.at(group).list(byArm, arm, tasks.length);
        if (group === 'all' && perTask.length !== tasks.length) mc.at(group).fail('shape-mismatch', arm, `has ${perTask.length} tasks, not ${tasks.length}`);
        perTask.forEach((x, k) => {
          const tc = mc.at(`${group} ${arm} task ${k + 1}`);
          const t = mc.item(x, `${group} ${arm} task ${k + 1}`);
          tc.text(t, 'task');
          for (const key of ['auc', 'logloss', 'gauc']) numberOrNull(t, key, tc);
          for (const key of ['rows', 'positives']) tc.whole(t, key, 0);
        });
      }
    }
  });
  const conflict = own(config, 'conflict');
  if (conflict !== null) {
    const cc = c.at('conflict');
    const result = c.object(config, 'conflict');
    const pair = cc.names(result, 'tasks');
    if (pair.length !== 2) cc.fail('shape-mismatch', 'tasks', `has ${pair.length} names, not 2`);
    cc.list(result, 'models', RECORD_LIMITS.namesPerRun).forEach((x, i) => cc.item(x, `model ${i + 1}`));
  }
}

/** Numbers a run may not have measured: each finite, NaN or null. */
function measuredList(o: Obj, key: string, c: Check, maxLength = RECORD_LIMITS.metricsPerRun): unknown[] {
  const list = c.list(o, key, maxLength);
  list.forEach((v, i) => {
    if (v !== null && !Number.isNaN(v)) c.numberValue(v, `${key} ${i + 1}`);
  });
  return list;
}

/** The config of a Sequences-view run (toSeqRecord in sequenceController.ts): what its charts read back. */
function checkSequenceConfig(config: Obj, c: Check): void {
  const run = c.object(config, 'run');
  const rc = c.at('run');
  checkForm(rc.object(run, 'form'), SEQUENCE_SETTINGS, rc.at('form'));
  rc.text(run, 'datasetName');
  rc.oneOf(run, 'status', RUN_STATUSES);
  for (const key of ['step', 'epoch', 'stepsTotal']) rc.whole(run, key, 0);
  rc.list(run, 'snapshots', RECORD_LIMITS.spectraPerRun).forEach((s, i) => {
    const sc = rc.at(`snapshot ${i + 1}`);
    const snapshot = rc.item(s, `snapshot ${i + 1}`);
    sc.whole(snapshot, 'step', 0);
    if (own(snapshot, 'correlation') !== null) {
      const corr = sc.object(snapshot, 'correlation');
      measuredList(corr, 'spearman', sc.at('correlation'));
      sc.at('correlation')
        .list(corr, 'learned', RECORD_LIMITS.namesPerRun)
        .forEach((m, t) => measuredList({ [`learned ${t + 1}`]: m }, `learned ${t + 1}`, sc.at('correlation')));
    }
    if (own(snapshot, 'search') !== null) {
      const search = sc.object(snapshot, 'search');
      sc.at('search').whole(search, 'k', 1);
      for (const key of ['overlap', 'miCaptured']) numberOrNull(search, key, sc.at('search'));
    }
    if (own(snapshot, 'gradient') !== null) {
      const g = sc.object(snapshot, 'gradient');
      const gc = sc.at('gradient');
      const edges = gc.list(g, 'edges', RECORD_LIMITS.namesPerRun);
      gc.numbers(edges, 'edge');
      const counts = gc.list(g, 'counts', RECORD_LIMITS.namesPerRun);
      gc.numbers(counts, 'count', 0);
      if (edges.length !== counts.length + 1) gc.fail('shape-mismatch', 'edges', `has ${edges.length} values for ${counts.length} bins`);
      for (const key of ['conflictingShare', 'recentShare', 'normRatio']) numberOrNull(g, key, gc);
      gc.list(g, 'perCategory', RECORD_LIMITS.namesPerRun).forEach((x, k) => {
        const pc = gc.at(`category ${k + 1}`);
        const e = gc.item(x, `category ${k + 1}`);
        pc.text(e, 'category');
        numberOrNull(e, 'meanCosine', pc);
        pc.whole(e, 'rows', 0);
      });
    }
  });
  if (own(run, 'report') !== null) {
    const report = rc.object(run, 'report');
    rc.at('report').whole(report, 'step', 0);
    for (const key of ['testAuc', 'testLogloss', 'searchMs']) numberOrNull(report, key, rc.at('report'));
  }
}

/** Kinds whose config a view reads back; any other kind is kept with only the generic checks. */
const CONFIG_CHECKS: Record<string, (config: Obj, c: Check) => void> = {
  'ctr-training': checkTrainingConfig,
  multitask: checkMultitaskConfig,
  sequence: checkSequenceConfig,
};

/** `where` names the record in messages, e.g. "run 2" (workspace files) or "stored run" (IndexedDB). */
export function checkRunRecord(v: unknown, where = 'run'): RunRecord {
  const c = new Check(where);
  const r = c.item(v, 'the record');
  c.text(r, 'id', { nonEmpty: true });
  const kind = c.text(r, 'kind');
  c.text(r, 'label');
  c.number(r, 'createdAt');
  c.number(r, 'updatedAt');
  const config = c.object(r, 'config');
  checkPlainValue(config, c, 'config');
  if (Object.hasOwn(CONFIG_CHECKS, kind)) CONFIG_CHECKS[kind](config, c.at('config'));
  c.list(r, 'metrics', RECORD_LIMITS.metricsPerRun).forEach((m, i) => {
    const mc = c.at(`metric ${i + 1}`);
    const e = c.item(m, `metric ${i + 1}`);
    mc.whole(e, 'step', 0);
    const values = mc.object(e, 'values');
    const keys = Object.keys(values);
    if (keys.length > RECORD_LIMITS.valuesPerMetric) mc.fail('too-large', 'values', `has ${keys.length} entries (at most ${RECORD_LIMITS.valuesPerMetric})`);
    for (const key of keys) {
      if (key.length > RECORD_LIMITS.text) mc.fail('too-large', 'a value name', `is ${key.length} characters long`);
      // A diverged run logs NaN or Infinity (null once written as JSON): a real observation, kept and drawn as a gap.
      const value = own(values, key);
      if (value !== null && typeof value !== 'number') mc.fail('non-numeric', key, `${describeValue(value)} is not a number`);
    }
  });
  c.list(r, 'spectra', RECORD_LIMITS.spectraPerRun).forEach((s, i) => {
    const sc = c.at(`spectrum ${i + 1}`);
    const e = c.item(s, `spectrum ${i + 1}`);
    sc.whole(e, 'step', 0);
    checkFields(sc.list(e, 'fields', RECORD_LIMITS.fieldsPerTable), sc);
  });
  return v as RunRecord;
}
