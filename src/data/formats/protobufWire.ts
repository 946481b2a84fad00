/**
 * Protocol Buffers at the wire level, read field by field from a ByteSource: the reader never
 * holds a whole message, so a 2 GB ONNX model's raw tensor bytes are located (offset, length),
 * not read. Only what the wire format itself says is checked here (wire types, varints of at
 * most 10 bytes, lengths inside their parent); what the fields mean is the caller's.
 */
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';

/** One field as found: its number, wire type and either its value (varint, fixed) or where its bytes lie (length-delimited). */
export interface WireField {
  field: number;
  wire: 0 | 1 | 2 | 5;
  /** Varint or fixed64/fixed32 value (as a number; varints past 2^53 are refused). */
  value: number;
  /** For wire type 2: where its bytes begin and how many there are. */
  offset: number;
  length: number;
}

/** Bytes read at once when walking small fields: a model's many small messages cost one read per window. */
const WINDOW = 1 << 20;

/** A cached window over a ByteSource, so walking thousands of small fields does not cost a read each. */
export class WireCursor {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(
    readonly src: ByteSource,
    private readonly problem: (what: string) => ImportError,
  ) {}

  /** Bytes [offset, offset + length), clipped at the end of the file. */
  async bytesAt(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.start || offset + length > this.start + this.bytes.length) {
      if (length > WINDOW) return this.src.read(offset, length);
      this.start = offset;
      this.bytes = await this.src.read(offset, WINDOW);
    }
    return this.bytes.subarray(offset - this.start, offset - this.start + length);
  }

  /**
   * The fields of the message in [begin, end), one at a time. Groups (wire types 3, 4) are
   * refused: proto3 messages (ONNX, TensorFlow's) never use them.
   */
  async *fields(begin: number, end: number): AsyncGenerator<WireField> {
    let at = begin;
    while (at < end) {
      const head = await this.bytesAt(at, Math.min(20, end - at));
      const [key, keyBytes] = varint(head, 0, this.problem, at);
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (field === 0) throw this.problem(`field number 0 at byte ${at}, which protobuf does not allow`);
      let pos = keyBytes;
      let value = 0;
      let length = 0;
      if (wire === 0) [value, pos] = ((r) => [r[0], pos + r[1]])(varint(head, pos, this.problem, at + pos));
      else if (wire === 1) {
        if (pos + 8 > head.length) throw this.problem(`a 64-bit field at byte ${at} runs past the end of its message`);
        const v = new DataView(head.buffer, head.byteOffset + pos, 8);
        value = v.getUint32(4, true) * 2 ** 32 + v.getUint32(0, true);
        pos += 8;
      } else if (wire === 5) {
        if (pos + 4 > head.length) throw this.problem(`a 32-bit field at byte ${at} runs past the end of its message`);
        value = new DataView(head.buffer, head.byteOffset + pos, 4).getUint32(0, true);
        pos += 4;
      } else if (wire === 2) {
        [length, pos] = ((r) => [r[0], pos + r[1]])(varint(head, pos, this.problem, at + pos));
      } else {
        throw this.problem(`wire type ${wire} at byte ${at}, which this format does not use`);
      }
      const offset = at + pos;
      if (offset + length > end) throw this.problem(`field ${field} at byte ${at} claims ${length} bytes, past the end of its message (byte ${end})`);
      yield { field, wire: wire as WireField['wire'], value, offset, length };
      at = offset + length;
    }
  }
}

/** A varint at bytes[pos]: its value and byte count. */
export function varint(bytes: Uint8Array, pos: number, problem: (what: string) => ImportError, fileOffset: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= bytes.length) throw problem(`a varint at byte ${fileOffset} runs past the end of its message`);
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) throw problem(`a varint at byte ${fileOffset} is beyond 2^53`);
      return [value, i + 1];
    }
  }
  throw problem(`a varint at byte ${fileOffset} is longer than 10 bytes`);
}

/** Every varint of a packed repeated field's bytes. Negative int64s (10-byte varints) are read as two's complement. */
export function packedVarints(bytes: Uint8Array, problem: (what: string) => ImportError, fileOffset: number): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < bytes.length;) {
    const [v, n] = signedVarint(bytes, pos, problem, fileOffset + pos);
    out.push(v);
    pos += n;
  }
  return out;
}

/** A varint read as a two's-complement int64 (protobuf's int32/int64 write negatives as 10 bytes). */
export function signedVarint(bytes: Uint8Array, pos: number, problem: (what: string) => ImportError, fileOffset: number): [number, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= bytes.length) throw problem(`a varint at byte ${fileOffset} runs past the end of its field`);
    const b = bytes[pos + i];
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return [Number(BigInt.asIntN(64, value)), i + 1];
  }
  throw problem(`a varint at byte ${fileOffset} is longer than 10 bytes`);
}
