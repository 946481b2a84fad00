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
import { deflateSync, inflateSync } from 'fflate';
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
    out[i] = dtype === 'u8' ? view.getUint8(at) : dtype === 'u16' ? view.getUint16(at, true) : dtype === 'i32' ? view.getInt32(at, true) : view.getFloat32(at, true);
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

function corrupt(message: string, code: ImportError['code'] = 'bad-header'): ImportError {
  return new ImportError(code, `Not a valid RecLens dataset file: ${message}`, FIX);
}

export function decodeCtrDataset(bytes: Uint8Array): CtrDataset {
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
  if (PREAMBLE + headerLength > bytes.length) throw corrupt(`the header needs ${headerLength} bytes but the file ends after ${bytes.length - PREAMBLE}.`, 'truncated');
  if (crc32(bytes.subarray(PREAMBLE)) !== view.getUint32(12, true)) throw corrupt('the checksum does not match: the file is truncated or damaged.');

  let header: CtrFileHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
  } catch {
    throw corrupt('the header is not JSON.');
  }
  validateHeader(header);
  let body: Uint8Array;
  try {
    body = inflateSync(bytes.subarray(PREAMBLE + headerLength));
  } catch {
    throw corrupt('the body does not inflate.');
  }
  if (body.length !== header.bodyBytes) throw corrupt(`the body holds ${body.length} bytes, the header says ${header.bodyBytes}.`, 'truncated');
  const bodyView = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const F = header.fields.length;
  const T = header.tasks.length;
  const split = (which: (typeof SPLITS)[number]): CtrSplit => {
    const { rows, arrays } = header.splits[which];
    const get = (name: ArrayName, expected: number): ArrayEntry | undefined => {
      const entry = arrays.find((a) => a.name === name);
      if (!entry) return undefined;
      if (!(entry.dtype in BYTES) || entry.length !== expected || entry.offset < 0 || entry.offset + entry.length * BYTES[entry.dtype] > body.length) {
        throw corrupt(`${which}.${name} does not fit: ${entry.length} ${entry.dtype} values at byte ${entry.offset}, expected ${expected}.`, 'shape-mismatch');
      }
      return entry;
    };
    const indicesEntry = get('indices', rows * F);
    const labelsEntry = get('labels', rows * T);
    if (!indicesEntry || !labelsEntry) throw corrupt(`the ${which} split has no indices or labels.`);
    const out: CtrSplit = { rows, indices: new Int32Array(rows * F), labels: new Float32Array(rows * T) };
    readArray(bodyView, indicesEntry, out.indices);
    readArray(bodyView, labelsEntry, out.labels);
    for (let i = 0; i < out.indices.length; i++) {
      const v = out.indices[i];
      if (v < 0 || v >= header.fields[i % F].cardinality) throw corrupt(`${which} row ${Math.floor(i / F)} has index ${v} in field ${header.fields[i % F].name}, whose vocabulary has ${header.fields[i % F].cardinality} entries.`, 'shape-mismatch');
    }
    for (const l of out.labels) if (l !== 0 && l !== 1) throw corrupt(`a ${which} label is ${l}, not 0 or 1.`, 'shape-mismatch');
    const probsEntry = get('trueProbabilities', rows * T);
    if (probsEntry) {
      out.trueProbabilities = new Float32Array(rows * T);
      readArray(bodyView, probsEntry, out.trueProbabilities);
      for (const p of out.trueProbabilities) if (!(p >= 0 && p <= 1)) throw corrupt(`a ${which} true probability is ${p}.`, 'shape-mismatch');
    }
    const groupsEntry = get('groups', rows);
    if (groupsEntry) {
      out.groups = new Int32Array(rows);
      readArray(bodyView, groupsEntry, out.groups);
    }
    return out;
  };
  return {
    name: header.name,
    origin: header.origin,
    fields: header.fields,
    tasks: header.tasks,
    train: split('train'),
    valid: split('valid'),
    test: split('test'),
    ...(header.plantedPairs ? { plantedPairs: header.plantedPairs } : {}),
  };
}

function validateHeader(h: CtrFileHeader): void {
  const ok =
    typeof h === 'object' && h !== null &&
    typeof h.name === 'string' && typeof h.origin === 'string' &&
    Array.isArray(h.fields) && h.fields.length > 0 &&
    h.fields.every((f) => typeof f?.name === 'string' && Number.isInteger(f.cardinality) && f.cardinality >= 1) &&
    Array.isArray(h.tasks) && h.tasks.length > 0 && h.tasks.every((t) => typeof t === 'string') &&
    Number.isInteger(h.bodyBytes) && h.bodyBytes >= 0 &&
    typeof h.splits === 'object' && h.splits !== null &&
    SPLITS.every((s) => Number.isInteger(h.splits[s]?.rows) && h.splits[s].rows >= 0 && Array.isArray(h.splits[s].arrays)) &&
    (h.plantedPairs === undefined || (Array.isArray(h.plantedPairs) && h.plantedPairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((i) => Number.isInteger(i) && i >= 0 && i < h.fields.length))));
  if (!ok) throw corrupt('the header lacks name, fields, tasks or splits, or holds values of the wrong type.');
}
