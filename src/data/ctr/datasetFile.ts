/**
 * RecLens's binary CTR dataset file (.rlctr), which the browser loads fast:
 *   bytes 0-3   magic "RLCT"
 *   bytes 4-7   format version (uint32 LE)
 *   bytes 8-11  header length H (uint32 LE)
 *   bytes 12-15 CRC-32 of everything after these 16 bytes
 *   16..16+H    header JSON (UTF-8): names, fields, tasks, and where each split's arrays lie
 *   the body    the arrays back to back (4-byte aligned, little-endian), deflated as one block
 * Index arrays use the narrowest integer type that holds every field's vocabulary.
 */
import { describeValue } from '../describeValue.ts';
import { deflateSync, Inflate } from 'fflate';
import { throwIfAborted } from '../abort.ts';
import { ImportError } from '../importError.ts';
import { crc32 } from './crc32.ts';
import type { CtrDataset, CtrField, CtrSplit } from './ctrDataset.ts';

export const CTR_FILE_MAGIC = 'RLCT';
export const CTR_FILE_VERSION = 1;
const PREAMBLE = 16;
const SPLITS = ['train', 'valid', 'test'] as const;

type Dtype = 'u8' | 'u16' | 'i32' | 'f32';
type ArrayName = 'indices' | 'labels' | 'trueProbabilities' | 'groups';

interface ArrayEntry {
  name: ArrayName;
  dtype: Dtype;
  /** Byte offset in the inflated body. */
  offset: number;
  length: number;
}

interface CtrFileHeader {
  name: string;
  origin: string;
  fields: CtrField[];
  tasks: string[];
  plantedPairs?: [number, number][];
  bodyBytes: number;
  splits: Record<(typeof SPLITS)[number], { rows: number; arrays: ArrayEntry[] }>;
}

const BYTES: Record<Dtype, number> = { u8: 1, u16: 2, i32: 4, f32: 4 };

function integerDtype(maxValue: number): Dtype {
  return maxValue < 256 ? 'u8' : maxValue < 65536 ? 'u16' : 'i32';
}

function maxOf(a: Int32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

function writeArray(view: DataView, offset: number, dtype: Dtype, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const at = offset + i * BYTES[dtype];
    if (dtype === 'u8') view.setUint8(at, values[i]);
    else if (dtype === 'u16') view.setUint16(at, values[i], true);
    else if (dtype === 'i32') view.setInt32(at, values[i], true);
    else view.setFloat32(at, values[i], true);
  }
}

function readArray(view: DataView, entry: ArrayEntry, out: Int32Array | Float32Array): void {
  const { offset, dtype } = entry;
  for (let i = 0; i < out.length; i++) {
    const at = offset + i * BYTES[dtype];
    out[i] =
      dtype === 'u8' ? view.getUint8(at) : dtype === 'u16' ? view.getUint16(at, true) : dtype === 'i32' ? view.getInt32(at, true) : view.getFloat32(at, true);
  }
}

export function encodeCtrDataset(ds: CtrDataset): Uint8Array {
  const indexDtype = integerDtype(Math.max(0, ...ds.fields.map((f) => f.cardinality - 1)));
  let bodyBytes = 0;
  const pending: { entry: ArrayEntry; values: ArrayLike<number> }[] = [];
  const place = (name: ArrayName, dtype: Dtype, values: ArrayLike<number>): ArrayEntry => {
    const entry = { name, dtype, offset: bodyBytes, length: values.length };
    bodyBytes += Math.ceil((values.length * BYTES[dtype]) / 4) * 4;
    pending.push({ entry, values });
    return entry;
  };
  const splitHeader = (split: CtrSplit) => {
    const arrays = [place('indices', indexDtype, split.indices), place('labels', 'u8', split.labels)];
    if (split.trueProbabilities) arrays.push(place('trueProbabilities', 'f32', split.trueProbabilities));
    if (split.groups) arrays.push(place('groups', integerDtype(maxOf(split.groups)), split.groups));
    return { rows: split.rows, arrays };
  };
  const header: CtrFileHeader = {
    name: ds.name,
    origin: ds.origin,
    fields: ds.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })),
    tasks: [...ds.tasks],
    ...(ds.plantedPairs ? { plantedPairs: ds.plantedPairs } : {}),
    bodyBytes: 0,
    splits: { train: splitHeader(ds.train), valid: splitHeader(ds.valid), test: splitHeader(ds.test) },
  };
  header.bodyBytes = bodyBytes;
  const body = new Uint8Array(bodyBytes);
  const bodyView = new DataView(body.buffer);
  for (const { entry, values } of pending) writeArray(bodyView, entry.offset, entry.dtype, values);

  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const packed = deflateSync(body);
  const out = new Uint8Array(PREAMBLE + headerBytes.length + packed.length);
  out.set(new TextEncoder().encode(CTR_FILE_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, CTR_FILE_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE);
  out.set(packed, PREAMBLE + headerBytes.length);
  view.setUint32(12, crc32(out.subarray(PREAMBLE)), true);
  return out;
}

const FIX = 'Regenerate the file with `npx tsx scripts/generateDatasets.ts` or re-export it from the studio.';

/**
 * The largest inflated body this studio reads (512 MiB). Decoded indices take up to 4x the body's
 * bytes (u8 indices become an Int32Array), so a larger file would not fit in a browser tab.
 */
export const MAX_CTR_BODY_BYTES = 512 * 1024 * 1024;
/**
 * Compressed bytes fed to the inflater at a time. DEFLATE expands at most about 1032x, so one
 * push adds at most about 17 MB beyond the declared body before the decoder stops.
 */
const INFLATE_SLICE = 1 << 14;

function corrupt(message: string, code: ImportError['code'] = 'bad-header'): ImportError {
  return new ImportError(code, `Not a valid RecLens dataset file: ${message}`, FIX);
}

/** Decodes a .rlctr file in one go (Node scripts and tests). */
export function decodeCtrDataset(bytes: Uint8Array): CtrDataset {
  const steps = decodeSteps(bytes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Decodes a .rlctr file, giving the event loop a turn between slices so `signal` can cancel it. */
export async function decodeCtrDatasetAsync(bytes: Uint8Array, signal?: AbortSignal): Promise<CtrDataset> {
  const steps = decodeSteps(bytes);
  for (;;) {
    throwIfAborted(signal);
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Compressed slices inflated between two turns of the event loop (about 1 MB of input). */
const SLICES_PER_TURN = 64;

/** The decoder; it yields where a caller may hand the event loop a turn. */
function* decodeSteps(bytes: Uint8Array): Generator<void, CtrDataset> {
  if (bytes.length < PREAMBLE) throw corrupt(`it is ${bytes.length} bytes long, shorter than the 16-byte preamble.`, 'truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== CTR_FILE_MAGIC) {
    throw new ImportError('unsupported-format', 'Not a RecLens dataset file: it does not start with "RLCT".', FIX);
  }
  const version = view.getUint32(4, true);
  if (version !== CTR_FILE_VERSION) {
    throw new ImportError('unsupported-format', `RecLens dataset file version ${version}; this studio reads version ${CTR_FILE_VERSION}.`, FIX);
  }
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE + headerLength > bytes.length)
    throw corrupt(`the header needs ${headerLength} bytes but the file ends after ${bytes.length - PREAMBLE}.`, 'truncated');
  if (crc32(bytes.subarray(PREAMBLE)) !== view.getUint32(12, true)) throw corrupt('the checksum does not match: the file is truncated or damaged.');

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
  } catch {
    throw corrupt('the header is not JSON.');
  }
  const header = readHeader(json);
  const body = yield* inflateBody(bytes.subarray(PREAMBLE + headerLength), header.bodyBytes);
  const bodyView = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const F = header.fields.length;
  function* split(which: SplitName): Generator<void, CtrSplit> {
    const { rows, arrays } = header.splits[which];
    const indicesEntry = arrays.get('indices')!;
    const labelsEntry = arrays.get('labels')!;
    const out: CtrSplit = { rows, indices: new Int32Array(indicesEntry.length), labels: new Float32Array(labelsEntry.length) };
    readArray(bodyView, indicesEntry, out.indices);
    readArray(bodyView, labelsEntry, out.labels);
    yield;
    for (let i = 0; i < out.indices.length; i++) {
      const v = out.indices[i];
      if (v < 0 || v >= header.fields[i % F].cardinality)
        throw corrupt(
          `${which} row ${Math.floor(i / F)} has index ${v} in field ${header.fields[i % F].name}, whose vocabulary has ${header.fields[i % F].cardinality} entries.`,
          'shape-mismatch',
        );
    }
    for (const l of out.labels) if (l !== 0 && l !== 1) throw corrupt(`a ${which} label is ${l}, not 0 or 1.`, 'shape-mismatch');
    yield;
    const probsEntry = arrays.get('trueProbabilities');
    if (probsEntry) {
      out.trueProbabilities = new Float32Array(probsEntry.length);
      readArray(bodyView, probsEntry, out.trueProbabilities);
      for (const p of out.trueProbabilities) if (!(p >= 0 && p <= 1)) throw corrupt(`a ${which} true probability is ${p}.`, 'shape-mismatch');
    }
    const groupsEntry = arrays.get('groups');
    if (groupsEntry) {
      out.groups = new Int32Array(groupsEntry.length);
      readArray(bodyView, groupsEntry, out.groups);
      for (const g of out.groups) if (g < 0) throw corrupt(`a ${which} group id is ${g}, below 0.`, 'shape-mismatch');
    }
    yield;
    return out;
  }
  const train = yield* split('train');
  const valid = yield* split('valid');
  const test = yield* split('test');
  return {
    name: header.name,
    origin: header.origin,
    fields: header.fields,
    tasks: header.tasks,
    train,
    valid,
    test,
    ...(header.plantedPairs ? { plantedPairs: header.plantedPairs } : {}),
  };
}

/**
 * Inflates the body into a buffer of exactly the declared size, a slice of compressed input at a
 * time, and stops as soon as the output would pass it: a deflate bomb costs the declared size plus
 * one slice's output, not whatever it expands to.
 */
function* inflateBody(packed: Uint8Array, bodyBytes: number): Generator<void, Uint8Array> {
  const body = new Uint8Array(bodyBytes);
  let filled = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (overflow || filled + chunk.length > bodyBytes) {
      overflow = true;
      return;
    }
    body.set(chunk, filled);
    filled += chunk.length;
  });
  for (let pos = 0, slices = 0; pos < packed.length && !overflow; pos += INFLATE_SLICE) {
    if (++slices % SLICES_PER_TURN === 0) yield;
    const end = Math.min(packed.length, pos + INFLATE_SLICE);
    try {
      inflater.push(packed.subarray(pos, end), end === packed.length);
    } catch {
      throw corrupt('the body does not inflate.');
    }
  }
  if (overflow) throw corrupt(`the body inflates to more than the ${bodyBytes} bytes the header declares; decoding stopped there.`, 'shape-mismatch');
  if (filled !== bodyBytes) throw corrupt(`the body holds ${filled} bytes, the header says ${bodyBytes}.`, 'truncated');
  return body;
}

type SplitName = (typeof SPLITS)[number];

/** The header after validation: every array entry looked up by name, known to fit the body. */
interface ValidHeader extends Omit<CtrFileHeader, 'splits'> {
  splits: Record<SplitName, { rows: number; arrays: Map<ArrayName, ArrayEntry> }>;
}

const DTYPE_BYTES: ReadonlyMap<string, number> = new Map(Object.entries(BYTES));
const INDEX_DTYPES: readonly Dtype[] = ['u8', 'u16', 'i32'];
/** The dtypes each array may have: what encodeCtrDataset writes. */
const ARRAY_DTYPES: ReadonlyMap<string, readonly Dtype[]> = new Map<ArrayName, readonly Dtype[]>([
  ['indices', INDEX_DTYPES],
  ['labels', ['u8']],
  ['trueProbabilities', ['f32']],
  ['groups', INDEX_DTYPES],
]);
const HEADER_KEYS = new Set(['name', 'origin', 'fields', 'tasks', 'plantedPairs', 'bodyBytes', 'splits']);
const INT32_MAX = 2 ** 31 - 1;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of a parsed JSON object (never one inherited from Object.prototype). */
function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;
}

/** Keys of `object` outside `allowed`, named for an error message. */
function checkKeys(object: JsonObject, allowed: readonly string[], where: string): void {
  const extra = Object.keys(object).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw corrupt(`${where} has unknown ${extra.length === 1 ? 'entry' : 'entries'} ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}.`);
}

/**
 * Checks every header field against the format's rules: types, own properties only, integer
 * counts and offsets, each split's indices and labels present with the lengths its rows need, the
 * dtypes the encoder writes, arrays 4-byte aligned inside the body and never overlapping.
 */
function readHeader(json: unknown): ValidHeader {
  if (!isObject(json)) throw corrupt('the header is not a JSON object.');
  checkKeys(json, [...HEADER_KEYS], 'the header');
  const name = own(json, 'name');
  const origin = own(json, 'origin');
  if (typeof name !== 'string' || typeof origin !== 'string') throw corrupt("the header's name or origin is missing or not text.");

  const fields = own(json, 'fields');
  if (!Array.isArray(fields) || fields.length === 0) throw corrupt('the header lists no fields.');
  const validFields: CtrField[] = fields.map((f, i) => {
    if (!isObject(f)) throw corrupt(`field ${i} is not an object.`);
    checkKeys(f, ['name', 'cardinality'], `field ${i}`);
    const fieldName = own(f, 'name');
    const cardinality = own(f, 'cardinality');
    if (typeof fieldName !== 'string') throw corrupt(`field ${i} has no name.`);
    if (!isCount(cardinality, INT32_MAX) || cardinality < 1)
      throw corrupt(`field ${fieldName} has cardinality ${describeValue(cardinality)}, not an integer from 1 to ${INT32_MAX}.`);
    return { name: fieldName, cardinality };
  });

  const tasks = own(json, 'tasks');
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t): t is string => typeof t === 'string'))
    throw corrupt('the header lists no tasks, or a task name is not text.');

  const pairs = own(json, 'plantedPairs');
  const F = validFields.length;
  if (
    pairs !== undefined &&
    !(Array.isArray(pairs) && pairs.every((p) => Array.isArray(p) && p.length === 2 && isCount(p[0], F - 1) && isCount(p[1], F - 1) && p[0] < p[1]))
  ) {
    throw corrupt(`plantedPairs must be pairs (i, j) of field numbers with 0 <= i < j < ${F}.`);
  }

  const bodyBytes = own(json, 'bodyBytes');
  if (!isCount(bodyBytes) || bodyBytes % 4 !== 0) throw corrupt(`bodyBytes is ${describeValue(bodyBytes)}, not a whole number of 4-byte words.`);
  if (bodyBytes > MAX_CTR_BODY_BYTES) {
    throw new ImportError(
      'too-large',
      `This RecLens dataset file holds ${(bodyBytes / 2 ** 20).toFixed(0)} MiB of arrays, more than the ${MAX_CTR_BODY_BYTES / 2 ** 20} MiB this studio loads.`,
      'Generate or export a smaller dataset (fewer rows), or sample the raw CTR file with a row limit.',
    );
  }

  const splits = own(json, 'splits');
  if (!isObject(splits)) throw corrupt('the header has no splits.');
  checkKeys(splits, SPLITS, 'splits');
  const T = tasks.length;
  const placed: { where: string; start: number; end: number }[] = [];
  const readSplit = (which: SplitName): { rows: number; arrays: Map<ArrayName, ArrayEntry> } => {
    const split = own(splits, which);
    if (!isObject(split)) throw corrupt(`the ${which} split is missing.`);
    checkKeys(split, ['rows', 'arrays'], `the ${which} split`);
    const rows = own(split, 'rows');
    const list = own(split, 'arrays');
    if (!isCount(rows) || !Array.isArray(list)) throw corrupt(`the ${which} split has no row count or no array list.`);
    const expected: Record<ArrayName, number> = { indices: rows * F, labels: rows * T, trueProbabilities: rows * T, groups: rows };
    const arrays = new Map<ArrayName, ArrayEntry>();
    list.forEach((entry: unknown, i) => {
      if (!isObject(entry)) throw corrupt(`${which} array ${i} is ${describeValue(entry)}, not an object.`);
      checkKeys(entry, ['name', 'dtype', 'offset', 'length'], `${which} array ${i}`);
      const arrayName = own(entry, 'name');
      const dtype = own(entry, 'dtype');
      const offset = own(entry, 'offset');
      const length = own(entry, 'length');
      const allowed = typeof arrayName === 'string' ? ARRAY_DTYPES.get(arrayName) : undefined;
      if (!allowed) throw corrupt(`${which} array ${i} is named ${describeValue(arrayName)}, not indices, labels, trueProbabilities or groups.`);
      const known = arrayName as ArrayName;
      if (arrays.has(known)) throw corrupt(`the ${which} split lists ${known} twice.`);
      if (typeof dtype !== 'string' || !allowed.includes(dtype as Dtype))
        throw corrupt(`${which}.${known} has dtype ${describeValue(dtype)}; it must be ${allowed.join(' or ')}.`);
      if (!isCount(offset) || offset % 4 !== 0) throw corrupt(`${which}.${known} starts at byte ${describeValue(offset)}, not a 4-byte aligned offset.`);
      if (length !== expected[known])
        throw corrupt(`${which}.${known} has ${describeValue(length)} values; ${rows} rows need ${expected[known]}.`, 'shape-mismatch');
      const end = offset + expected[known] * DTYPE_BYTES.get(dtype)!;
      if (end > bodyBytes) throw corrupt(`${which}.${known} ends at byte ${end}, past the ${bodyBytes}-byte body.`, 'shape-mismatch');
      if (end > offset) placed.push({ where: `${which}.${known}`, start: offset, end });
      arrays.set(known, { name: known, dtype: dtype as Dtype, offset, length: expected[known] });
    });
    if (!arrays.has('indices') || !arrays.has('labels')) throw corrupt(`the ${which} split has no indices or labels.`);
    return { rows, arrays };
  };
  const validSplits = { train: readSplit('train'), valid: readSplit('valid'), test: readSplit('test') };
  placed.sort((a, b) => a.start - b.start);
  for (let i = 1; i < placed.length; i++) {
    if (placed[i].start < placed[i - 1].end)
      throw corrupt(`${placed[i].where} overlaps ${placed[i - 1].where} (bytes ${placed[i].start} to ${placed[i - 1].end}).`);
  }
  return {
    name,
    origin,
    fields: validFields,
    tasks,
    ...(pairs !== undefined ? { plantedPairs: pairs as [number, number][] } : {}),
    bodyBytes,
    splits: validSplits,
  };
}
