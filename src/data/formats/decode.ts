import { decodesToFloat64, type DType } from './dtype.ts';
import { halfTable } from './float16.ts';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` stored elements from the start of `bytes`: Float64Array for types a float32
 * cannot hold exactly, Float32Array otherwise. Float32/float64 already in host byte order and
 * aligned are returned as a view over `bytes` (no copy: callers must not write to the result);
 * everything else is converted from an aligned copy in host byte order, so every type is one
 * typed-array view and a native conversion (or a table lookup for float16), never a DataView.
 */
export function decodeElements(bytes: Uint8Array, dtype: DType, count: number): Float32Array | Float64Array {
  const view = hostFloatView(bytes, dtype, count);
  if (view) return view;
  const copy = bytes.slice(0, count * dtype.itemSize);
  if (dtype.itemSize > 1 && dtype.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(copy, dtype.itemSize);
  const buffer = copy.buffer;
  switch (dtype.name) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'float16': {
      const bits = new Uint16Array(buffer, 0, count);
      const lookup = halfTable();
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = lookup[bits[i]];
      return out;
    }
    case 'bfloat16': {
      const bits = new Uint16Array(buffer, 0, count);
      const words = new Uint32Array(count);
      for (let i = 0; i < count; i++) words[i] = bits[i] << 16;
      return new Float32Array(words.buffer);
    }
    case 'int64':
    case 'uint64':
      return decodeWide(new Uint32Array(buffer, 0, count * 2), dtype.name === 'int64');
    case 'bool': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = copy[i] === 0 ? 0 : 1;
      return out;
    }
    default: {
      const view = integerView(dtype, buffer, count);
      const out = decodesToFloat64(dtype.name) ? new Float64Array(count) : new Float32Array(count);
      out.set(view);
      return out;
    }
  }
}

function hostFloatView(bytes: Uint8Array, dtype: DType, count: number): Float32Array | Float64Array | null {
  if (dtype.littleEndian !== HOST_LITTLE_ENDIAN || bytes.byteOffset % dtype.itemSize !== 0) return null;
  if (dtype.name === 'float32') return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  if (dtype.name === 'float64') return new Float64Array(bytes.buffer, bytes.byteOffset, count);
  return null;
}

function integerView(dtype: DType, buffer: ArrayBuffer, count: number) {
  switch (dtype.name) {
    case 'int8':
      return new Int8Array(buffer, 0, count);
    case 'uint8':
      return new Uint8Array(buffer, 0, count);
    case 'int16':
      return new Int16Array(buffer, 0, count);
    case 'uint16':
      return new Uint16Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'uint32':
      return new Uint32Array(buffer, 0, count);
    default:
      throw new Error(`not an integer dtype: ${dtype.name}`);
  }
}

/** 64-bit integers as two 32-bit words (host order); exact up to 2^53, rounded once beyond. */
function decodeWide(words: Uint32Array, signed: boolean): Float64Array {
  const count = words.length / 2;
  const out = new Float64Array(count);
  const [lo, hi] = HOST_LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < count; i++) {
    const high = words[2 * i + hi];
    out[i] = (signed ? high | 0 : high) * 4294967296 + words[2 * i + lo];
  }
  return out;
}

/** Reverses the byte order of every item in place, a word at a time. */
function swapBytes(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 2) {
    const h = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    for (let i = 0; i < h.length; i++) h[i] = ((h[i] & 0xff) << 8) | (h[i] >>> 8);
    return;
  }
  const w = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    w[i] = (x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24);
  }
  if (itemSize === 8) {
    for (let i = 0; i < w.length; i += 2) {
      const t = w[i];
      w[i] = w[i + 1];
      w[i + 1] = t;
    }
  }
}
