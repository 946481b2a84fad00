/**
 * A run's checkpoint as it leaves the worker: every typed array in one Blob, the rest (counters,
 * PRNG states, nesting) in a small layout beside it. A structured clone of a Blob passes a handle,
 * so the page receiving a checkpoint and its IndexedDB write never copy the weights on the main
 * thread (a DeepFM 26 x 1000 x 16's 9 MB took 0.2-0.8 s there, every 5 s, on each backend).
 */
import type { PackedCheckpoint } from '../contracts/run.ts';

type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;
type TypedArrayConstructor = { new (buffer: ArrayBuffer): TypedArray; readonly BYTES_PER_ELEMENT: number };

const KINDS: Record<string, TypedArrayConstructor> = {
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
};

/** The key that marks a typed array's place in the layout. */
const ARRAY = '$packedArray';
interface ArrayMark {
  [ARRAY]: string;
  offset: number;
  length: number;
}

const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const kindOf = (v: object): string | null => (ArrayBuffer.isView(v) && !(v instanceof DataView) && v.constructor.name in KINDS ? v.constructor.name : null);

/** Packs a checkpoint: its typed arrays (anywhere in plain objects and arrays) go into one Blob, in order. */
export function packCheckpoint<Checkpoint>(checkpoint: Checkpoint): PackedCheckpoint<Checkpoint> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const kind = kindOf(v);
    if (kind !== null) {
      const a = v as TypedArray;
      // A Blob takes no view of shared memory (the wasm backend's heap); a copy is an own buffer.
      const own = a.buffer instanceof ArrayBuffer ? a : a.slice();
      parts.push(new Uint8Array(own.buffer as ArrayBuffer, own.byteOffset, own.byteLength));
      const mark: ArrayMark = { [ARRAY]: kind, offset: bytes, length: a.length };
      bytes += a.byteLength;
      return mark;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const layout = walk(checkpoint);
  return { packed: 1, layout, arrays: new Blob(parts) };
}

export function isPackedCheckpoint<Checkpoint>(c: PackedCheckpoint<Checkpoint> | Checkpoint): c is PackedCheckpoint<Checkpoint> {
  return typeof c === 'object' && c !== null && (c as { packed?: unknown }).packed === 1 && (c as { arrays?: unknown }).arrays instanceof Blob;
}

/** The checkpoint back, each typed array in a buffer of its own; a plain checkpoint (stored by an earlier build) as it is. */
export async function unpackCheckpoint<Checkpoint>(c: PackedCheckpoint<Checkpoint> | Checkpoint): Promise<Checkpoint> {
  if (!isPackedCheckpoint(c)) return c;
  const buffer = await c.arrays.arrayBuffer();
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) return v;
    if (typeof v[ARRAY] === 'string') {
      const { [ARRAY]: kind, offset, length } = v as unknown as ArrayMark;
      const Ctor = KINDS[kind];
      const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
      if (!Ctor || !whole(offset) || !whole(length) || offset + length * Ctor.BYTES_PER_ELEMENT > buffer.byteLength)
        throw new RangeError(`the checkpoint's ${String(kind)} at byte ${String(offset)} lies outside its data`);
      return new Ctor(buffer.slice(offset, offset + length * Ctor.BYTES_PER_ELEMENT));
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(c.layout) as Checkpoint;
}
