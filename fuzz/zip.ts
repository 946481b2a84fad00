/**
 * A minimal zip reader/writer for structure-aware mutations: members are taken apart with
 * fflate, changed, and written back with valid CRCs and sizes, so a reader's checks of the
 * container pass and the mutation reaches the member's own parser. The writer also takes
 * members deflated ahead of time (the deflate bombs).
 */
import { deflateSync, unzipSync } from 'fflate';
import { concat, crc32, utf8 } from './bytes.ts';

export interface ZipMember {
  name: string;
  /** The uncompressed bytes, or for a pre-deflated member: its deflated bytes. */
  data: Uint8Array;
  deflate: boolean;
  /** Set for pre-deflated members: data is already deflated, these are the inflated CRC and size. */
  inflated?: { crc: number; size: number };
}

/** Zips this module wrote: known to be well formed. */
const written = new WeakSet<Uint8Array>();

/**
 * The members of a zip in directory order, with whether each was deflated. Only for zips known
 * to be well formed (the seeds, or what writeZip made): fflate's unzipSync can loop forever on a
 * damaged one, and that would stall the fuzzer itself. Null for any other bytes.
 */
export function readZip(bytes: Uint8Array, seeds: readonly Uint8Array[]): ZipMember[] | null {
  if (!written.has(bytes) && !seeds.includes(bytes)) return null;
  try {
    const methods = new Map<string, number>();
    const files = unzipSync(bytes, {
      filter: (f) => {
        methods.set(f.name, f.compression);
        return true;
      },
    });
    return Object.entries(files).map(([name, data]) => ({ name, data, deflate: methods.get(name) === 8 }));
  } catch {
    return null;
  }
}

export function writeZip(members: ZipMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = utf8(m.name);
    const stored = m.inflated ? m.data : m.deflate ? deflateSync(m.data) : m.data;
    const crc = m.inflated ? m.inflated.crc : crc32(m.data);
    const size = m.inflated ? m.inflated.size : m.data.length;
    const method = m.deflate || m.inflated ? 8 : 0;
    const local = new Uint8Array(30 + name.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, 0x800, true); // UTF-8 names
    l.setUint16(8, method, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, stored.length, true);
    l.setUint32(22, size, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const c = new DataView(entry.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x800, true);
    c.setUint16(10, method, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, stored.length, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    entry.set(name, 46);
    parts.push(local, stored);
    central.push(entry);
    offset += local.length + stored.length;
  }
  const directory = concat(central);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, members.length, true);
  e.setUint16(10, members.length, true);
  e.setUint32(12, directory.length, true);
  e.setUint32(16, offset, true);
  const zip = concat([...parts, directory, end]);
  written.add(zip);
  return zip;
}

/**
 * `head` followed by `zeroBytes` zero bytes as one raw deflate stream, with the CRC and size of
 * the whole: a small member that inflates to a large one (about 1000:1). Written directly: the
 * head in a stored block, then one dynamic-Huffman block whose only codes are a zero byte, the
 * end, and "copy 258 bytes at distance 1" in two bits; the CRC of the zeros is computed in
 * closed form. Building a 768 MB bomb takes milliseconds.
 */
export function deflateBomb(head: Uint8Array, zeroBytes: number): { data: Uint8Array; crc: number; size: number } {
  const copies = Math.floor(Math.max(0, zeroBytes - 1) / 258);
  const tail = zeroBytes === 0 ? 0 : zeroBytes - 1 - copies * 258;
  const out = new Uint8Array(5 + head.length + 64 + Math.ceil((2 * (1 + tail + copies) + 2) / 8));
  let at = 0;
  /** Header fields and extra bits go least significant bit first... */
  const put = (value: number, n: number) => {
    for (let i = 0; i < n; i++, at++) if ((value >>> i) & 1) out[at >> 3] |= 1 << (at & 7);
  };
  /** ...Huffman codes most significant bit first. */
  const code = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--, at++) if ((value >>> i) & 1) out[at >> 3] |= 1 << (at & 7);
  };
  // Stored block with the head.
  put(0, 1);
  put(0, 2);
  at = Math.ceil(at / 8) * 8;
  put(head.length, 16);
  put(~head.length & 0xffff, 16);
  out.set(head, at >> 3);
  at += head.length * 8;
  // Dynamic block: 286 literal/length codes, 2 distance codes, 18 code-length codes.
  put(1, 1);
  put(2, 2);
  put(286 - 257, 5);
  put(2 - 1, 5);
  put(18 - 4, 4);
  // Code-length code lengths in the format's order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1: symbol 18 one bit, 1 and 2 two bits.
  for (const len of [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2]) put(len, 3);
  // Their canonical codes: 18 -> 0, 1 -> 10, 2 -> 11.
  const one = () => code(0b10, 2);
  const two = () => code(0b11, 2);
  const zeros = (n: number) => {
    code(0, 1);
    put(n - 11, 7);
  };
  two(); // literal 0: 2 bits
  zeros(138); // literals 1..255: unused
  zeros(117);
  two(); // 256, end of block: 2 bits
  zeros(28); // lengths 257..284: unused
  one(); // 285, length 258: 1 bit
  one(); // distance codes 0 and 1: 1 bit each
  one();
  // Canonical literal/length codes: 285 -> 0, 0 -> 10, 256 -> 11; distance 1 -> 0.
  if (zeroBytes > 0) code(0b10, 2);
  for (let i = 0; i < copies; i++) code(0b00, 2);
  for (let i = 0; i < tail; i++) code(0b10, 2);
  code(0b11, 2);
  return { data: out.slice(0, Math.ceil(at / 8)), crc: crcAfterZeros(crc32(head), zeroBytes), size: head.length + zeroBytes };
}

/** Multiplies a 32x32 GF(2) matrix (one column per entry) by a vector. */
function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i];
  return sum >>> 0;
}

function gf2Square(matrix: Uint32Array): Uint32Array<ArrayBuffer> {
  return matrix.map((column) => gf2Times(matrix, column));
}

/** The CRC-32 of some bytes followed by `n` zero bytes, from the CRC of the bytes (zlib's crc32_combine idea). */
export function crcAfterZeros(crc: number, n: number): number {
  // The register's update for one zero bit is linear: this matrix; squared three times, one zero byte.
  let op: Uint32Array<ArrayBuffer> = new Uint32Array(32);
  op[0] = 0xedb88320;
  for (let i = 1; i < 32; i++) op[i] = 1 << (i - 1);
  op = gf2Square(gf2Square(gf2Square(op)));
  let state = ~crc >>> 0;
  for (let left = n; left > 0; left = Math.floor(left / 2)) {
    if (left % 2 === 1) state = gf2Times(op, state);
    if (left > 1) op = gf2Square(op);
  }
  return ~state >>> 0;
}
