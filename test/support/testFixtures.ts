/**
 * Builders of fixture bytes for the importer's tests: .npy, .npz (stored, deflated, ZIP64) and
 * .safetensors written byte by byte as numpy / zipfile / safetensors write them.
 */
import { deflateSync, zipSync, type Zippable } from 'fflate';
import { bytesByteSource, type ByteSource } from '../../src/data/byteSource.ts';
import { ImportError } from '../../src/data/importError.ts';
import type { ReadOptions, TableFile } from '../../src/data/tableFile.ts';

/** numpy type codes without the byte-order character. */
export type NpyCode = 'f2' | 'f4' | 'f8' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'b1';

export interface NpyFixtureOptions {
  dtype?: NpyCode;
  fortran?: boolean;
  version?: 1 | 2 | 3;
  bigEndian?: boolean;
  /** Replaces the 'descr' value verbatim (e.g. "'<c8'" or "[('a', '<f4')]"). */
  descr?: string;
  /** Extra dict entries written after 'shape' (e.g. "'note': 'é', "), to exercise the header parser. */
  headerExtra?: string;
}

/** Float to IEEE binary16 bits, rounding to nearest even from the float64 value. */
export function halfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= 65520) return sign | 0x7c00; // rounds past the largest half, 65504
  if (a < 2 ** -14) return sign | roundEven(a / 2 ** -24); // subnormal: multiples of 2^-24
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  if (2 ** (exponent + 1) <= a) exponent++;
  const mantissa = roundEven((a / 2 ** exponent - 1) * 1024);
  return sign | (((exponent + 15) << 10) + mantissa); // a carry out of the mantissa bumps the exponent
}

function roundEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  return diff > 0.5 || (diff === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

const ITEM: Record<NpyCode, number> = { f2: 2, f4: 4, f8: 8, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, b1: 1 };

function writeValue(v: DataView, at: number, code: NpyCode, value: number, le: boolean): void {
  switch (code) {
    case 'f2':
      return v.setUint16(at, halfBits(value), le);
    case 'f4':
      return v.setFloat32(at, value, le);
    case 'f8':
      return v.setFloat64(at, value, le);
    case 'i1':
      return v.setInt8(at, value);
    case 'u1':
      return v.setUint8(at, value);
    case 'b1':
      return v.setUint8(at, value ? 1 : 0);
    case 'i2':
      return v.setInt16(at, value, le);
    case 'u2':
      return v.setUint16(at, value, le);
    case 'i4':
      return v.setInt32(at, value, le);
    case 'u4':
      return v.setUint32(at, value, le);
    case 'i8':
      return v.setBigInt64(at, BigInt(value), le);
    case 'u8':
      return v.setBigUint64(at, BigInt(value), le);
  }
}

/** Python's repr of a shape tuple. */
function tupleText(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** An .npy file holding `values` (given in C order) with the given shape, as np.save writes it. */
export function npyBytes(values: ArrayLike<number>, shape: number[], opts: NpyFixtureOptions = {}): Uint8Array {
  const code = opts.dtype ?? 'f4';
  const version = opts.version ?? 1;
  const order = ITEM[code] === 1 ? '|' : opts.bigEndian ? '>' : '<';
  const descr = opts.descr ?? `'${order}${code}'`;
  const dict = `{'descr': ${descr}, 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${tupleText(shape)}, ${opts.headerExtra ?? ''}}`;
  const preamble = version === 1 ? 10 : 12;
  const headerBytes = new TextEncoder().encode(dict);
  const padded = Math.ceil((preamble + headerBytes.length + 1) / 64) * 64;
  const headerLength = padded - preamble;
  const itemSize = ITEM[code];
  const out = new Uint8Array(padded + values.length * itemSize);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, headerLength, true);
  else v.setUint32(8, headerLength, true);
  out.set(headerBytes, preamble);
  out.fill(0x20, preamble + headerBytes.length, padded - 1);
  out[padded - 1] = 0x0a;
  const order2d = opts.fortran && shape.length === 2;
  for (let i = 0; i < values.length; i++) {
    // Fortran order: element (r, c) is stored at c * rows + r.
    const at = order2d ? (i % shape[1]) * shape[0] + Math.floor(i / shape[1]) : i;
    writeValue(v, padded + at * itemSize, code, values[i], !opts.bigEndian);
  }
  return out;
}

export interface NpzFixtureOptions {
  deflate?: boolean;
  /** Write every size and offset as ZIP64 (local and central extra fields, ZIP64 end records). */
  zip64?: boolean;
}

/** An .npz: each member NAME is stored as NAME.npy, as np.savez / np.savez_compressed do. */
export function npzBytes(members: Record<string, Uint8Array>, opts: NpzFixtureOptions = {}): Uint8Array {
  if (opts.zip64) return zip64Bytes(members, opts.deflate ?? false);
  const files: Zippable = {};
  for (const [name, bytes] of Object.entries(members)) files[`${name}.npy`] = [bytes, { level: opts.deflate ? 6 : 0 }];
  return zipSync(files);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip whose every entry carries its sizes and offset in ZIP64 extra fields, with ZIP64 end records. */
function zip64Bytes(members: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const encoder = new TextEncoder();
  for (const [member, raw] of Object.entries(members)) {
    const name = encoder.encode(`${member}.npy`);
    const data = deflate ? deflateSync(raw) : raw;
    const crc = crc32(raw);
    const local = new Uint8Array(30 + name.length + 20);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 45, true);
    l.setUint16(8, deflate ? 8 : 0, true);
    l.setUint16(12, 0x21, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, 0xffffffff, true);
    l.setUint32(22, 0xffffffff, true);
    l.setUint16(26, name.length, true);
    l.setUint16(28, 20, true);
    local.set(name, 30);
    l.setUint16(30 + name.length, 1, true);
    l.setUint16(32 + name.length, 16, true);
    l.setBigUint64(34 + name.length, BigInt(raw.length), true);
    l.setBigUint64(42 + name.length, BigInt(data.length), true);
    const entry = new Uint8Array(46 + name.length + 28);
    const c = new DataView(entry.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 45, true);
    c.setUint16(6, 45, true);
    c.setUint16(10, deflate ? 8 : 0, true);
    c.setUint16(14, 0x21, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, 0xffffffff, true);
    c.setUint32(24, 0xffffffff, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, 28, true);
    c.setUint32(42, 0xffffffff, true);
    entry.set(name, 46);
    c.setUint16(46 + name.length, 1, true);
    c.setUint16(48 + name.length, 24, true);
    c.setBigUint64(50 + name.length, BigInt(raw.length), true);
    c.setBigUint64(58 + name.length, BigInt(data.length), true);
    c.setBigUint64(66 + name.length, BigInt(offset), true);
    parts.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
  }
  const directorySize = central.reduce((a, b) => a + b.length, 0);
  const count = central.length;
  const end = new Uint8Array(56 + 20 + 22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06064b50, true);
  e.setBigUint64(4, 44n, true);
  e.setUint16(12, 45, true);
  e.setUint16(14, 45, true);
  e.setBigUint64(24, BigInt(count), true);
  e.setBigUint64(32, BigInt(count), true);
  e.setBigUint64(40, BigInt(directorySize), true);
  e.setBigUint64(48, BigInt(offset), true);
  e.setUint32(56, 0x07064b50, true);
  e.setBigUint64(64, BigInt(offset + directorySize), true);
  e.setUint32(72, 1, true);
  e.setUint32(76, 0x06054b50, true);
  e.setUint16(86, 0xffff, true);
  e.setUint16(84, 0xffff, true);
  e.setUint32(88, 0xffffffff, true);
  e.setUint32(92, 0xffffffff, true);
  return concatBytes([...parts, ...central, end]);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export type SafetensorsCode = 'F16' | 'BF16' | 'F32' | 'F64' | 'I8' | 'I16' | 'I32' | 'I64' | 'U8';

const SAFETENSORS_NPY: Record<Exclude<SafetensorsCode, 'BF16'>, NpyCode> = {
  F16: 'f2',
  F32: 'f4',
  F64: 'f8',
  I8: 'i1',
  I16: 'i2',
  I32: 'i4',
  I64: 'i8',
  U8: 'u1',
};

export interface SafetensorsFixtureTensor {
  name: string;
  dtype: SafetensorsCode;
  shape: number[];
  values: ArrayLike<number>;
}

function encodeSafetensorsValues(t: SafetensorsFixtureTensor): Uint8Array {
  if (t.dtype === 'BF16') {
    const f32 = new Float32Array(t.values);
    const words = new Uint32Array(f32.buffer);
    const out = new Uint8Array(words.length * 2);
    const v = new DataView(out.buffer);
    words.forEach((w, i) => v.setUint16(2 * i, w >>> 16, true)); // values must be exact in bfloat16
    return out;
  }
  const code = SAFETENSORS_NPY[t.dtype];
  const out = new Uint8Array(t.values.length * ITEM[code]);
  const v = new DataView(out.buffer);
  for (let i = 0; i < t.values.length; i++) writeValue(v, i * ITEM[code], code, t.values[i], true);
  return out;
}

/** A .safetensors file of the tensors, in order, with an optional __metadata__. */
export function safetensorsBytes(tensors: SafetensorsFixtureTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bytes = encodeSafetensorsValues(t);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    data.push(bytes);
    offset += bytes.length;
  }
  return safetensorsFromHeader(JSON.stringify(header), concatBytes(data));
}

/** A .safetensors file from a literal header text (padded with spaces to 8 bytes) and data bytes. */
export function safetensorsFromHeader(headerText: string, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(headerText);
  const length = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.fill(0x20, 8, 8 + length);
  out.set(text, 8);
  out.set(data, 8 + length);
  return out;
}

/**
 * A word2vec binary file as word2vec.c writes it (a newline after every vector) or as gensim's
 * save_word2vec_format(binary=True) does (no newline): "<count> <dim>\n", then per vector its
 * UTF-8 word, a space and dim little-endian float32 values.
 */
export function word2vecBinaryBytes(
  words: string[],
  values: ArrayLike<number>,
  dim: number,
  opts: { newlineAfterVector?: boolean; count?: number } = {},
): Uint8Array {
  const enc = new TextEncoder();
  const parts = [enc.encode(`${opts.count ?? words.length} ${dim}\n`)];
  words.forEach((word, r) => {
    parts.push(enc.encode(`${word} `));
    const vector = new Uint8Array(dim * 4);
    const view = new DataView(vector.buffer);
    for (let c = 0; c < dim; c++) view.setFloat32(c * 4, values[r * dim + c], true);
    parts.push(vector);
    if (opts.newlineAfterVector) parts.push(enc.encode('\n'));
  });
  return concatBytes(parts);
}

/** A ByteSource over a string's UTF-8 bytes. */
export function textSource(text: string, name: string): ByteSource {
  return bytesByteSource(new TextEncoder().encode(text), name);
}

/** A ByteSource that records every read, to check that a reader streams. */
export function recordingByteSource(bytes: Uint8Array, name: string): ByteSource & { reads: { offset: number; length: number }[] } {
  const inner = bytesByteSource(bytes, name);
  const reads: { offset: number; length: number }[] = [];
  return {
    name,
    size: inner.size,
    reads,
    read(offset, length) {
      reads.push({ offset, length });
      return inner.read(offset, length);
    },
  };
}

/** `count` deterministic pseudo-random values in (-4, 4) (mulberry32, exact 32-bit integer steps). */
export function sampleValues(count: number, seed = 1): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 8;
  });
}

/** Reads every row of a tensor: the values in row-major order and the blocks as they came. */
export async function readAll(table: TableFile, tensor: string, opts: ReadOptions = {}) {
  const blocks = [];
  const values: number[] = [];
  for await (const block of table.readRows(tensor, opts)) {
    blocks.push(block);
    for (let i = 0; i < block.rows * block.dim; i++) values.push(block.data[i]);
  }
  return { blocks, values };
}

/** The ImportError a promise rejects with; fails when it resolves or rejects with anything else. */
export async function importFailure(promise: Promise<unknown>): Promise<ImportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError, but it succeeded');
}
