import { ImportError } from '../importError.ts';
import { parseNpyDescr, type DTypeLookup } from './dtype.ts';
import { parsePyLiteral, PyLiteralError, type PyValue } from './pyLiteral.ts';
import { NPY_SIGNATURE, notSignature } from './magicBytes.ts';

/** What an .npy header says: the array's dtype, order and shape, and where its data begins. */
export interface NpyHeader {
  dtype: DTypeLookup;
  fortran: boolean;
  shape: number[];
  /** Offset of the first data byte from the start of the .npy bytes. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];
/**
 * numpy.load refuses headers longer than this (format._MAX_HEADER_SIZE) unless told to trust the
 * file; a real header is ~128 bytes. Checked before the header is read, so a claimed 4 GB header
 * is never allocated.
 */
export const MAX_NPY_HEADER_BYTES = 10_000;
/** Bytes needed to learn the full header length (magic, version, length field). */
export const NPY_PREAMBLE_BYTES = 12;

export function hasNpyMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

function badHeader(name: string, what: string): ImportError {
  return new ImportError('bad-header', `${name} has a malformed .npy header: ${what}`, 'Re-save the array with numpy: np.save(path, table)');
}

function cutHeader(name: string): ImportError {
  return new ImportError('truncated', `${name} is truncated: it ends inside the .npy header`, 'Re-export the file; it was cut off');
}

/** Total bytes of magic + version + length field + header dict, from the first 12 bytes (or fewer for v1). */
export function npyHeaderEnd(first: Uint8Array, name: string): number {
  if (first.length < 10 || !hasNpyMagic(first)) {
    if (first.length < 10 && MAGIC.slice(0, first.length).every((b, i) => first[i] === b)) {
      throw cutHeader(name);
    }
    throw new ImportError('bad-header', `${name} is ${notSignature('.npy', first, NPY_SIGNATURE)}`, 'Re-save the array with numpy: np.save(path, table)');
  }
  const major = first[6];
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  if (major === 1) return 10 + checkedHeaderLength(view.getUint16(8, true), name);
  if (major === 2 || major === 3) {
    if (first.length < 12) throw cutHeader(name);
    return 12 + checkedHeaderLength(view.getUint32(8, true), name);
  }
  throw new ImportError(
    'bad-header',
    `${name} uses .npy format version ${major}.${first[7]}, which is not known (1.0, 2.0 and 3.0 are)`,
    'Re-save the array with numpy: np.save(path, table)',
  );
}

function checkedHeaderLength(length: number, name: string): number {
  if (length > MAX_NPY_HEADER_BYTES) {
    throw badHeader(name, `it claims ${length} header bytes, and numpy refuses headers over ${MAX_NPY_HEADER_BYTES}`);
  }
  return length;
}

/** Parses the complete header bytes (from offset 0 through npyHeaderEnd). */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  const end = npyHeaderEnd(bytes, name);
  if (bytes.length < end) {
    throw new ImportError(
      'truncated',
      `${name} is truncated: its header promises ${end} bytes but the file holds ${bytes.length}`,
      'Re-export the file; it was cut off',
    );
  }
  const start = bytes[6] === 1 ? 10 : 12;
  const body = bytes.subarray(start, end);
  // Versions 1 and 2 are latin-1; version 3 is UTF-8.
  const text = bytes[6] === 3 ? new TextDecoder('utf-8').decode(body) : latin1(body);
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (error) {
    if (error instanceof PyLiteralError) throw badHeader(name, error.message);
    throw error;
  }
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw badHeader(name, 'it is not a dict');
  // numpy's own rule (format._read_array_header): exactly these three keys. Missing ones are named below.
  const keys = Object.keys(dict).sort();
  if (keys.some((key) => !HEADER_KEYS.includes(key))) {
    throw badHeader(name, `its keys are ${keys.map((k) => `'${k}'`).join(', ') || 'none'}; numpy writes exactly 'descr', 'fortran_order' and 'shape'`);
  }
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof fortran !== 'boolean') throw badHeader(name, "'fortran_order' is missing or not True/False");
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw badHeader(name, "'shape' is missing or not a tuple of non-negative integers");
  }
  let dtype: DTypeLookup;
  if (typeof descr === 'string') dtype = parseNpyDescr(descr);
  else if (Array.isArray(descr)) dtype = { unsupported: 'structured (record) values' };
  else throw badHeader(name, "'descr' is missing");
  return { dtype, fortran, shape: shape as number[], dataOffset: end };
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}
