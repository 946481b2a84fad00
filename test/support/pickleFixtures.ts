/**
 * Builders of pickle and PyTorch checkpoint bytes for tests: opcodes written one by one as
 * Python's pickle (protocol 2) and torch.save write them, so a test can build exactly the
 * malformed or hostile input it needs.
 */
import { zipSync } from 'fflate';

const latin1 = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

export class PickleWriter {
  private readonly out: number[] = [0x80, 0x02]; // PROTO 2

  raw(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  mark(): this {
    return this.raw(0x28);
  }

  /** BININT (4-byte signed). */
  int(value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    return this.raw(0x4a, ...b);
  }

  /** BINUNICODE of UTF-8 text. */
  str(text: string): this {
    return this.utf8Bytes(new TextEncoder().encode(text));
  }

  /** BINUNICODE of arbitrary bytes (which may not be valid UTF-8). */
  utf8Bytes(bytes: Uint8Array): this {
    const n = new Uint8Array(4);
    new DataView(n.buffer).setUint32(0, bytes.length, true);
    return this.raw(0x58, ...n, ...bytes);
  }

  global(module: string, name: string): this {
    return this.raw(0x63, ...latin1(`${module}\n${name}\n`));
  }

  /** A tuple of ints, as shapes and strides are pickled. */
  intTuple(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.raw(0x74);
  }

  /** torch._utils._rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict()), its storage a persistent id. */
  tensor(t: PickledTensor): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark()
      .str('storage')
      .global(t.storageModule ?? 'torch', t.storageType ?? 'FloatStorage')
      .str(t.key)
      .str('cpu')
      .int(t.numel)
      .raw(0x74, 0x51);
    this.int(t.offset ?? 0)
      .intTuple(t.shape)
      .intTuple(t.stride ?? rowMajorStride(t.shape))
      .raw(0x89);
    return this.global('collections', 'OrderedDict').raw(0x29, 0x52, 0x74, 0x52);
  }

  /** The bytes, ended by STOP. */
  bytes(): Uint8Array {
    return Uint8Array.from([...this.out, 0x2e]);
  }
}

export interface PickledTensor {
  key: string;
  numel: number;
  shape: number[];
  stride?: number[];
  offset?: number;
  storageModule?: string;
  storageType?: string;
}

const rowMajorStride = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** A torch.save zip: archive/data.pkl (deflated when asked) and one stored member per storage key. */
export function checkpointBytes(pickle: Uint8Array, storages: Record<string, Uint8Array>, opts: { deflatePickle?: boolean } = {}): Uint8Array {
  const files: Parameters<typeof zipSync>[0] = { 'archive/data.pkl': [pickle, { level: opts.deflatePickle ? 9 : 0 }] };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = [bytes, { level: 0 }];
  return zipSync(files);
}

/** float32 storage bytes of the given values. */
export const float32Storage = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
