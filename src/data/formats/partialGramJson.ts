import { eventLoopPacer, throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { PARTIAL_GRAM_FORMAT, PARTIAL_GRAM_VERSION, type GramSums, type PartialField, type PartialGram } from '../../contracts/partialGram.ts';

/** The largest partial-Gram file read: two 1024 x 1024 Grams are ~50 MB of JSON, so this holds a few such fields or many small ones. */
export const MAX_PARTIAL_GRAM_BYTES = 256 * 2 ** 20;
/** The widest field (the analysis's own ceiling on K). */
export const MAX_PARTIAL_GRAM_DIM = 4096;
/** The most fields one file holds. */
export const MAX_PARTIAL_GRAM_FIELDS = 100_000;
/** The most Gram entries (2 K^2 per field) one file holds: 2^25 float64 values are 256 MB in memory. */
export const MAX_PARTIAL_GRAM_VALUES = 2 ** 25;
/** The most names in sources, tensors, sets and field_dims. */
const MAX_NAMES = 100_000;
const MAX_NAME_CHARS = 4096;
/** A scale exponent outside this range could not come from float64 rows (the accumulator clamps at -1000). */
const MAX_SCALE_EXP = 1100;
/**
 * Sums from another engine (a warehouse) may add g_ij and g_ji in different orders: they may differ
 * by this much relative to sqrt(g_ii g_jj); the upper triangle is used. Also the slack allowed
 * on the Cauchy-Schwarz and norm checks below.
 */
const SYMMETRY_SLACK = 1e-9;
const READ_SLICE = 4 * 2 ** 20;

/**
 * The partial Gram as versioned JSON (docs/partial-gram.md): Grams as K rows of K numbers.
 * JSON numbers round-trip float64 exactly, so a merge of written files equals a merge in memory.
 */
export function partialGramToJSON(partial: PartialGram): string {
  const matrix = (g: Float64Array, k: number) => Array.from({ length: k }, (_, i) => Array.from(g.subarray(i * k, (i + 1) * k)));
  const sums = (s: GramSums, k: number) => ({ scale_exp: s.scale_exp, peak: s.peak, gram: matrix(s.gram, k) });
  const doc = {
    format: PARTIAL_GRAM_FORMAT,
    version: PARTIAL_GRAM_VERSION,
    sources: partial.sources,
    tensors: partial.tensors,
    ...(partial.field_dims ? { field_dims: partial.field_dims } : {}),
    ...(partial.sets ? { sets: partial.sets } : {}),
    fields: partial.fields.map((f) => ({
      name: f.name,
      dim: f.dim,
      rows: f.rows,
      excluded_rows: f.excluded_rows,
      raw: { ...sums(f.raw, f.dim), col_sum: Array.from(f.raw.col_sum) },
      recscope: sums(f.recscope, f.dim),
    })),
  };
  // One line per Gram row keeps the file readable and diffable without a line per number.
  return JSON.stringify(doc, null, 1).replace(/\[\s+([-\d.e+,\s]*?)\s+\]/g, (_m, inner: string) => `[${inner.replace(/\s+/g, '')}]`) + '\n';
}

/** Bytes read at each end of a .json to find the partial-Gram marker. */
const MARKER_SCAN_BYTES = 4096;
const MARKER = new RegExp(`"format"\\s*:\\s*"${PARTIAL_GRAM_FORMAT}"`);

/**
 * Whether a .json file carries the partial-Gram marker "format": "reclens-partial-gram" in its first
 * or last 4 KiB (reclens gram writes it first; a writer that sorts keys puts it after "fields"), so
 * other JSON is told apart before anything is parsed.
 */
export async function hasPartialGramMarker(src: ByteSource): Promise<boolean> {
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (MARKER.test(decode(await src.read(0, MARKER_SCAN_BYTES)))) return true;
  return src.size > MARKER_SCAN_BYTES && MARKER.test(decode(await src.read(src.size - MARKER_SCAN_BYTES, MARKER_SCAN_BYTES)));
}

/**
 * Reads and validates a partial-Gram JSON file: its format and version, the names, every count,
 * the Grams' shape (K x K), finiteness and symmetry, and that the sums fit the counts (a Gram's
 * diagonal is non-negative, zero with no rows; RecScope's rows have norm <= 1; column sums obey
 * Cauchy-Schwarz). Throws ImportError naming the problem; the AbortError when the signal fires.
 */
export async function readPartialGramJson(src: ByteSource, signal?: AbortSignal): Promise<PartialGram> {
  const name = src.name;
  if (src.size > MAX_PARTIAL_GRAM_BYTES) {
    throw new ImportError(
      'too-large',
      `${name} is ${src.size} bytes, above the ${MAX_PARTIAL_GRAM_BYTES} bytes read for a partial Gram.`,
      'Write fewer fields per file (reclens gram --tensor) and merge the files.',
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts: string[] = [];
  try {
    for (let offset = 0; offset < src.size; offset += READ_SLICE) {
      throwIfAborted(signal);
      const bytes = await src.read(offset, READ_SLICE);
      if (bytes.byteLength === 0) break;
      parts.push(decoder.decode(bytes, { stream: true }));
    }
    parts.push(decoder.decode());
  } catch (e) {
    if (e instanceof TypeError) throw bad(name, 'is not UTF-8 text');
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(parts.join(''));
  } catch (e) {
    throw bad(name, `is not valid JSON (${(e as Error).message})`);
  }
  throwIfAborted(signal);
  return validate(doc, name, signal);
}

function bad(file: string, problem: string): ImportError {
  return new ImportError(
    'bad-header',
    `${file} ${problem}.`,
    'Write the file again with reclens gram (or the warehouse query RecLens generates); the format is in docs/partial-gram.md.',
  );
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

async function validate(doc: unknown, file: string, signal?: AbortSignal): Promise<PartialGram> {
  if (!isObject(doc) || doc.format !== PARTIAL_GRAM_FORMAT) {
    throw new ImportError(
      'unsupported-format',
      `${file} is not a RecLens partial-Gram file: it has no "format": "${PARTIAL_GRAM_FORMAT}".`,
      'Drop a table file, or a partial Gram written by reclens gram (field sizes go in the import dialog).',
    );
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw bad(file, `has "version": ${shown(version)}, not a whole number >= 1`);
  if (version > PARTIAL_GRAM_VERSION) {
    throw new ImportError(
      'unsupported-format',
      `${file} is a partial Gram of version ${version}; this RecLens reads version ${PARTIAL_GRAM_VERSION}.`,
      'Update RecLens, or write the file with the reclens version that reads it.',
    );
  }
  const sources = names(doc.sources, 'sources', file, 0);
  const tensors = names(doc.tensors, 'tensors', file, 1);
  const fieldDims = doc.field_dims === undefined ? undefined : counts(doc.field_dims, 'field_dims', file);
  const sets = doc.sets === undefined ? undefined : names(doc.sets, 'sets', file, 1);
  if (sets && !fieldDims) throw bad(file, 'has "sets" without "field_dims" (sets are the tensors one field split cuts alike)');
  if (sets && sets.length !== tensors.length) throw bad(file, `has ${sets.length} sets for ${tensors.length} tensors`);
  if (!Array.isArray(doc.fields) || doc.fields.length === 0) throw bad(file, 'has no "fields" list');
  if (doc.fields.length > MAX_PARTIAL_GRAM_FIELDS) {
    throw new ImportError(
      'too-large',
      `${file} has ${doc.fields.length} fields, above the limit of ${MAX_PARTIAL_GRAM_FIELDS}.`,
      'Write the fields in several files.',
    );
  }
  const expected = fieldDims ? fieldDims.length * tensors.length : tensors.length;
  if (doc.fields.length !== expected) {
    throw bad(
      file,
      `has ${doc.fields.length} fields, but ${fieldDims ? `field_dims (${fieldDims.length}) x tensors (${tensors.length})` : `one per tensor`} makes ${expected}`,
    );
  }
  let values = 0;
  const pace = eventLoopPacer(signal);
  const fields: PartialField[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < doc.fields.length; i++) {
    const raw: unknown = doc.fields[i];
    const where = `field ${i + 1}`;
    if (!isObject(raw)) throw bad(file, `has ${where} that is not an object`);
    const fieldName = raw.name;
    if (typeof fieldName !== 'string' || fieldName.length === 0 || fieldName.length > MAX_NAME_CHARS) throw bad(file, `has ${where} without a name`);
    if (seen.has(fieldName)) throw bad(file, `names two fields "${fieldName}"`);
    seen.add(fieldName);
    const at = `field "${fieldName}"`;
    const dim = raw.dim;
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > MAX_PARTIAL_GRAM_DIM) {
      throw new ImportError(
        'too-large',
        `${file}: ${at} has K = ${shown(dim)}; K is a whole number from 1 to ${MAX_PARTIAL_GRAM_DIM}.`,
        'Write the file again with reclens gram.',
      );
    }
    values += 2 * dim * dim;
    if (values > MAX_PARTIAL_GRAM_VALUES) {
      throw new ImportError(
        'too-large',
        `${file} holds more than ${MAX_PARTIAL_GRAM_VALUES} Gram values.`,
        'Write fewer or narrower fields per file and merge the files.',
      );
    }
    const rows = count(raw.rows, `${at}'s rows`, file);
    const excluded = count(raw.excluded_rows, `${at}'s excluded_rows`, file);
    if (fieldDims && rows + excluded > fieldDims[i % fieldDims.length]) {
      throw bad(file, `says ${at} summed ${rows + excluded} rows, more than its field_dims entry ${fieldDims[i % fieldDims.length]}`);
    }
    if (!isObject(raw.raw) || !isObject(raw.recscope)) throw bad(file, `has ${at} without its "raw" and "recscope" sums`);
    const rawSums = await gramSums(raw.raw, dim, `${at}'s raw`, file, pace);
    const recscope = await gramSums(raw.recscope, dim, `${at}'s recscope`, file, pace);
    const colSum = vector(raw.raw.col_sum, dim, `${at}'s raw col_sum`, file);
    checkCounts(rawSums, recscope, colSum, rows, dim, at, file);
    fields.push({ name: fieldName, dim, rows, excluded_rows: excluded, raw: { ...rawSums, col_sum: colSum }, recscope });
  }
  if (fieldDims) {
    const dims = new Set(fields.map((f) => f.dim));
    if (dims.size > 1) throw bad(file, 'has fields of different K, though field_dims splits tables of one width');
  }
  return { sources, tensors, ...(fieldDims ? { field_dims: fieldDims } : {}), ...(sets ? { sets } : {}), fields };
}

async function gramSums(doc: Json, k: number, at: string, file: string, pace: (step: number) => Promise<void> | null): Promise<GramSums> {
  const scaleExp = doc.scale_exp ?? 0;
  if (typeof scaleExp !== 'number' || !Number.isInteger(scaleExp) || Math.abs(scaleExp) > MAX_SCALE_EXP) {
    throw bad(file, `has ${at} scale_exp ${shown(scaleExp)}, not a whole number from -${MAX_SCALE_EXP} to ${MAX_SCALE_EXP}`);
  }
  const peak = doc.peak ?? 0;
  if (typeof peak !== 'number' || !(peak >= 0) || !Number.isFinite(peak)) throw bad(file, `has ${at} peak ${shown(peak)}, not a finite number >= 0`);
  const rows = doc.gram;
  if (!Array.isArray(rows) || rows.length !== k) throw bad(file, `has ${at} gram that is not ${k} rows of ${k} numbers (K = ${k})`);
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row) || row.length !== k) throw bad(file, `has ${at} gram row ${i + 1} that is not ${k} numbers (K = ${k})`);
    for (let j = 0; j < k; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(file, `has ${at} gram[${i}][${j}] = ${shown(v)}, not a finite number`);
      gram[i * k + j] = v;
    }
    await pace(i * 4096);
  }
  for (let i = 0; i < k; i++) {
    const gii = gram[i * k + i];
    if (gii < 0) throw bad(file, `has ${at} gram[${i}][${i}] = ${gii} < 0, but a diagonal entry is a sum of squares`);
    for (let j = i + 1; j < k; j++) {
      const a = gram[i * k + j];
      const b = gram[j * k + i];
      if (Math.abs(a - b) > SYMMETRY_SLACK * Math.sqrt(gii * gram[j * k + j]))
        throw bad(file, `has ${at} gram that is not symmetric: [${i}][${j}] = ${a}, [${j}][${i}] = ${b}`);
      gram[j * k + i] = a;
    }
  }
  return { scale_exp: scaleExp, gram, peak };
}

/** Sums that the counts make impossible: a Gram with no rows that is not zero, RecScope rows longer than 1, column sums beyond Cauchy-Schwarz. */
function checkCounts(raw: GramSums, recscope: GramSums, colSum: Float64Array, rows: number, k: number, at: string, file: string): void {
  let rawTrace = 0;
  let recTrace = 0;
  for (let i = 0; i < k; i++) {
    rawTrace += raw.gram[i * k + i];
    recTrace += recscope.gram[i * k + i];
  }
  if (rows === 0 && (rawTrace > 0 || recTrace > 0 || colSum.some((s) => s !== 0))) throw bad(file, `says ${at} summed 0 rows, but its sums are not zero`);
  // Each normalised row has norm below 1: the trace of its Gram is at most rows (times the scale).
  const recRows = recTrace * 2 ** recscope.scale_exp * 2 ** recscope.scale_exp;
  if (recRows > rows * (1 + SYMMETRY_SLACK)) throw bad(file, `has ${at} recscope gram of trace ${recRows}, more than its ${rows} rows of norm <= 1 allow`);
  for (let j = 0; j < k; j++) {
    const s = colSum[j];
    if (s * s > rows * raw.gram[j * k + j] * (1 + SYMMETRY_SLACK) + Number.MIN_VALUE) {
      throw bad(file, `has ${at} col_sum[${j}] = ${s}, larger than its ${rows} rows and gram[${j}][${j}] allow (Cauchy-Schwarz)`);
    }
  }
}

function vector(doc: unknown, k: number, at: string, file: string): Float64Array {
  if (!Array.isArray(doc) || doc.length !== k) throw bad(file, `has ${at} that is not ${k} numbers (K = ${k})`);
  const out = new Float64Array(k);
  doc.forEach((v: unknown, j) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(file, `has ${at}[${j}] = ${shown(v)}, not a finite number`);
    out[j] = v;
  });
  return out;
}

function names(doc: unknown, key: string, file: string, min: number): string[] {
  if (!Array.isArray(doc) || doc.length < min || doc.length > MAX_NAMES || !doc.every((s) => typeof s === 'string' && s.length <= MAX_NAME_CHARS)) {
    throw bad(file, `has "${key}" that is not a list of ${min > 0 ? 'at least one' : ''} name${min > 0 ? '' : 's'}`.replace('  ', ' '));
  }
  return doc as string[];
}

function counts(doc: unknown, key: string, file: string): number[] {
  if (!Array.isArray(doc) || doc.length === 0 || doc.length > MAX_NAMES || !doc.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0)) {
    throw bad(file, `has "${key}" that is not a list of positive whole numbers`);
  }
  return doc as number[];
}

function count(doc: unknown, what: string, file: string): number {
  if (typeof doc !== 'number' || !Number.isSafeInteger(doc) || doc < 0) throw bad(file, `has ${what} ${shown(doc)}, not a whole number >= 0`);
  return doc;
}

/** A partial-Gram file opened as a table: one "tensor" per field, [rows x K], analysed from its sums (TableFile.partialGram). */
export async function openPartialGram(src: ByteSource, signal?: AbortSignal): Promise<TableFile> {
  return partialGramTable(await readPartialGramJson(src, signal), src);
}

/** Partial Grams (read, or merged) as a TableFile whose rows cannot be read: its fields' sums are all there is. */
export function partialGramTable(partial: PartialGram, source: ByteSource): TableFile {
  return {
    format: 'partialgram',
    source,
    tensors: partial.fields.map((f) => ({ name: f.name, shape: [f.rows, f.dim], dtype: 'float64', analysable: true })),
    partialGram: partial,
    readRows: () => {
      throw new ImportError(
        'unsupported-format',
        `${source.name} holds partial Grams (each field's K x K sums), not rows.`,
        'Analyse it as a whole (reclens merge, or drop it in the studio); field sizes and the interaction matrix need the table itself.',
      );
    },
  };
}

/** A value from the file, as a message shows it: short, and never walking a nested structure. */
function shown(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
