/**
 * Mutators: each takes bytes and a seeded random stream and returns new bytes, or null when it
 * does not apply (no number to replace, not a zip...). Generic ones work on any bytes; the
 * structure-aware ones take a container apart (npy header, JSON, pickle opcodes, zip members),
 * change one part and rebuild it with valid lengths and checksums, so the change reaches the
 * inner parser instead of failing the outer check.
 */
import type { Rng } from '../src/data/ctr/prng.ts';
import { concat, fromLatin1, latin1 } from './bytes.ts';

export interface Mutator {
  name: string;
  /** Nothing is applied after it (a deflate bomb is not taken apart again). */
  last?: boolean;
  apply(bytes: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array | null;
}

export interface MutationContext {
  /** The target's other seeds, for splicing. */
  seeds: Uint8Array[];
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** Sizes skewed to small: mostly 1..8, sometimes up to `max`. */
function size(rng: Rng, max: number): number {
  return rng.next() < 0.7 ? 1 + rng.int(Math.min(8, max)) : 1 + rng.int(Math.max(1, max));
}

// ---------------------------------------------------------------------------------------------
// Generic byte mutators

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x0d, 0x09, 0x2c, 0x20, 0x22, 0x27, 0x5c, 0x2e, 0x2d, 0x30, 0x39];

/** Integers that sit on the edges of 8-, 16-, 32- and 64-bit fields (as unsigned bit patterns). */
const INTERESTING_INTS: bigint[] = [
  0n,
  1n,
  0x7fn,
  0x80n,
  0xffn,
  0x7fffn,
  0x8000n,
  0xffffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  2n ** 53n,
  2n ** 63n - 1n,
  2n ** 64n - 1n,
];

export const bitFlip: Mutator = {
  name: 'bit-flip',
  apply(bytes, rng) {
    if (bytes.length === 0) return null;
    const out = bytes.slice();
    for (let n = size(rng, 16); n > 0; n--) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
};

export const byteSet: Mutator = {
  name: 'byte-set',
  apply(bytes, rng) {
    if (bytes.length === 0) return null;
    const out = bytes.slice();
    for (let n = size(rng, 8); n > 0; n--) out[rng.int(out.length)] = rng.next() < 0.6 ? pick(rng, INTERESTING_BYTES) : rng.int(256);
    return out;
  },
};

export const insertBytes: Mutator = {
  name: 'insert',
  apply(bytes, rng) {
    const at = rng.int(bytes.length + 1);
    const extra = Uint8Array.from({ length: size(rng, 32) }, () => (rng.next() < 0.5 ? pick(rng, INTERESTING_BYTES) : rng.int(256)));
    return concat([bytes.subarray(0, at), extra, bytes.subarray(at)]);
  },
};

export const deleteRange: Mutator = {
  name: 'delete',
  apply(bytes, rng) {
    if (bytes.length < 2) return null;
    const n = Math.min(bytes.length - 1, size(rng, bytes.length >> 2));
    const at = rng.int(bytes.length - n + 1);
    return concat([bytes.subarray(0, at), bytes.subarray(at + n)]);
  },
};

export const duplicateRange: Mutator = {
  name: 'duplicate',
  apply(bytes, rng) {
    if (bytes.length === 0) return null;
    const n = Math.min(bytes.length, size(rng, 256));
    const from = rng.int(bytes.length - n + 1);
    const chunk = bytes.subarray(from, from + n);
    const times = rng.next() < 0.8 ? 1 : 1 + rng.int(64);
    const at = rng.int(bytes.length + 1);
    return concat([bytes.subarray(0, at), ...Array.from({ length: times }, () => chunk), bytes.subarray(at)]);
  },
};

export const splice: Mutator = {
  name: 'splice',
  apply(bytes, rng, ctx) {
    const other = pick(rng, ctx.seeds);
    if (!other || other.length === 0 || bytes.length === 0) return null;
    const n = Math.min(other.length, size(rng, 512));
    const from = rng.int(other.length - n + 1);
    const at = rng.int(bytes.length + 1);
    const overwrite = rng.next() < 0.5;
    return concat([bytes.subarray(0, at), other.subarray(from, from + n), bytes.subarray(overwrite ? Math.min(bytes.length, at + n) : at)]);
  },
};

export const truncate: Mutator = {
  name: 'truncate',
  apply(bytes, rng) {
    if (bytes.length < 2) return null;
    return bytes.slice(0, rng.int(bytes.length));
  },
};

export const interestingInteger: Mutator = {
  name: 'interesting-int',
  apply(bytes, rng) {
    const width = pick(rng, [1, 2, 4, 8]);
    if (bytes.length < width) return null;
    const at = rng.next() < 0.5 ? rng.int(bytes.length - width + 1) : Math.min(bytes.length - width, rng.int(Math.ceil(bytes.length / width)) * width);
    let value = pick(rng, INTERESTING_INTS);
    if (rng.next() < 0.3) value = (1n << BigInt(8 * width)) - value; // the negative of it, two's complement
    const bigEndian = rng.next() < 0.2;
    const out = bytes.slice();
    for (let i = 0; i < width; i++) out[at + (bigEndian ? width - 1 - i : i)] = Number((value >> BigInt(8 * i)) & 0xffn);
    return out;
  },
};

/** Byte sequences that are not UTF-8: a lone continuation, 0xff, an overlong NUL, a cut 3-byte character, a surrogate. */
const INVALID_UTF8 = [[0x80], [0xff], [0xc0, 0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

export const invalidUtf8: Mutator = {
  name: 'invalid-utf8',
  apply(bytes, rng) {
    const at = rng.int(bytes.length + 1);
    const replace = rng.next() < 0.5 ? 1 : 0;
    return concat([bytes.subarray(0, at), Uint8Array.from(pick(rng, INVALID_UTF8)), bytes.subarray(Math.min(bytes.length, at + replace))]);
  },
};

export const GENERIC: Mutator[] = [bitFlip, byteSet, insertBytes, deleteRange, duplicateRange, splice, truncate, interestingInteger, invalidUtf8];

// ---------------------------------------------------------------------------------------------
// Text mutators (on a latin1 view, so invalid UTF-8 survives)

/** Numerals at the edges: 0, -1, 2^31, 2^32, 2^53 + 1, 1e308, overflow to Infinity, NaN, subnormal. */
export const INTERESTING_NUMERALS = [
  '0',
  '-1',
  '-5',
  '0.5',
  '1e-320',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '1e200',
  '-1e200',
  '1e308',
  '1e400',
  'NaN',
  'nan',
  'inf',
  '-inf',
  'Infinity',
  '-0',
  '99999999999999999999',
  '0x10',
  '1_000',
  '3000',
  '30000',
];

/** Names that are members of Object.prototype: a lookup without own-property checks finds them. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'];

const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][+-]?\d+)?/g;

function replaceMatch(text: string, re: RegExp, rng: Rng, replacement: (match: string) => string): string | null {
  const matches = [...text.matchAll(re)];
  if (matches.length === 0) return null;
  const m = pick(rng, matches);
  return text.slice(0, m.index) + replacement(m[0]) + text.slice(m.index! + m[0].length);
}

export const numberReplace: Mutator = {
  name: 'number',
  apply(bytes, rng) {
    const text = replaceMatch(latin1(bytes), NUMBER_TOKEN, rng, () => pick(rng, INTERESTING_NUMERALS));
    return text === null ? null : fromLatin1(text);
  },
};

export const wordReplace: Mutator = {
  name: 'word',
  apply(bytes, rng) {
    const text = replaceMatch(latin1(bytes), /[A-Za-z_][\w]{1,40}/g, rng, () => pick(rng, PROTOTYPE_KEYS));
    return text === null ? null : fromLatin1(text);
  },
};

export const nesting: Mutator = {
  name: 'nesting',
  apply(bytes, rng) {
    const [open, close] = pick(rng, [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ]);
    const depth = pick(rng, [200, 3000, 9000, 100_000]);
    const at = rng.int(bytes.length + 1);
    const inner = rng.next() < 0.5 ? '' : '1';
    return concat([bytes.subarray(0, at), fromLatin1(open.repeat(depth) + inner + (rng.next() < 0.5 ? close.repeat(depth) : '')), bytes.subarray(at)]);
  },
};

function lines(bytes: Uint8Array): string[] {
  return latin1(bytes).split('\n');
}

export const lineEdit: Mutator = {
  name: 'line',
  apply(bytes, rng) {
    const all = lines(bytes);
    if (all.length < 2) return null;
    const i = rng.int(all.length);
    const op = rng.int(5);
    if (op === 0) all.splice(i, 1);
    else if (op === 1) {
      const copies = Math.min(pick(rng, [1, 2, 100, 2000]), Math.floor((4 << 20) / (all[i].length + 1)));
      all.splice(i, 0, ...Array.from({ length: copies }, () => all[i]));
    } else if (op === 2) [all[i], all[0]] = [all[0], all[i]];
    else if (op === 3) all.splice(i, 0, pick(rng, ['', ' ', '\r', '#', ',', '\t', '"', 'x\ty']));
    else
      all[i] = all[i]
        .split(/([\t, ])/)
        .map((cell) => (rng.next() < 0.3 ? '' : cell))
        .join('');
    return fromLatin1(all.join('\n'));
  },
};

/** Some cells of a line get another line's cells appended: a ragged or very wide row. */
export const widen: Mutator = {
  name: 'widen',
  apply(bytes, rng) {
    const all = lines(bytes);
    const data = all.map((l, i) => [l, i] as const).filter(([l]) => /\d/.test(l));
    if (data.length === 0) return null;
    const sep = /\t/.test(data[0][0]) ? '\t' : /,/.test(data[0][0]) ? ',' : ' ';
    const width = pick(rng, [3000, 30_000]);
    const cell = () => (rng.next() * 2 - 1).toFixed(3);
    // A transposed export: every row becomes `width` numbers wide (and only a few rows are kept).
    const kept = data.slice(0, 1 + rng.int(Math.min(3, data.length)));
    const wide = kept.map(([l]) => {
      const label = /^[^\d-]/.test(l) ? `${l.split(sep)[0]}${sep}` : '';
      return label + Array.from({ length: width }, cell).join(sep);
    });
    const header = data[0][1] > 0 ? all.slice(0, data[0][1]) : [];
    return fromLatin1([...header, ...wide, ''].join('\n'));
  },
};

export const TEXT: Mutator[] = [numberReplace, wordReplace, nesting, lineEdit, invalidUtf8];

/**
 * Cuts inside the last non-blank line of a text that ends with a newline, as an interrupted copy
 * does, where the readers' rule (src/data/formats/cutShort.ts) promises to notice: the cut leaves
 * the line fewer cells than the first line has (rule a), in a file with at least two lines before it. Cuts inside the last value can leave a valid shorter value (a count,
 * a label) that no reader can tell from a real one, so they are not asked of it. Returns the cut
 * text; the caller marks the input as one that must be rejected.
 */
export function cutInsideLastLine(bytes: Uint8Array, rng: Rng, separators = '\t, '): Uint8Array | null {
  const separates = (b: number) => separators.includes(String.fromCharCode(b));
  if (bytes.length < 3 || bytes[bytes.length - 1] !== 0x0a) return null;
  let end = bytes.length - 1;
  // Trailing spaces or tabs (word2vec.c ends each line with one) separate no cell.
  while (end > 0 && (bytes[end] === 0x0a || bytes[end] === 0x0d || bytes[end] === 0x20 || bytes[end] === 0x09)) end--;
  let start = end;
  while (start > 0 && bytes[start - 1] !== 0x0a) start--;
  let linesBefore = 0;
  for (let i = 0; i < start; i++) if (bytes[i] === 0x0a) linesBefore++;
  if (linesBefore < 2 || latin1(bytes.subarray(start, end + 1)).trim() === '') return null;
  // The first line sets how many cells a row has, as the readers take it (a header, or the first
  // row): the cut keeps fewer separators than it has.
  let firstEnd = bytes.indexOf(0x0a);
  while (firstEnd > 0 && [0x0a, 0x0d, 0x20, 0x09].includes(bytes[firstEnd - 1])) firstEnd--;
  let cellsBefore = 1;
  for (let i = 0; i < firstEnd; i++) if (separates(bytes[i])) cellsBefore++;
  let limit = start;
  for (let kept = 0; limit <= end; limit++) {
    if (separates(bytes[limit]) && ++kept >= cellsBefore - 1) break;
  }
  if (cellsBefore < 2 || limit <= start) return null;
  // Keep 1 .. (limit - start) bytes of the line: at most cellsBefore - 1 cells remain.
  return bytes.slice(0, start + 1 + rng.int(limit - start));
}

// ---------------------------------------------------------------------------------------------
// JSON mutators: parse, change one node, serialise (deep nesting spliced in as text)

const NEST_MARK = '\u0000nest\u0000';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every container and leaf path of a JSON value. */
function jsonPaths(value: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (out.length > 5000) return out;
  if (Array.isArray(value)) value.forEach((v, i) => jsonPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonPaths(v, [...path, k], out);
  return out;
}

function defineOwn(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One edit of a parsed JSON document; returns the new document text or null. */
export function mutateJsonText(text: string, rng: Rng): string | null {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return null;
  }
  const paths = jsonPaths(doc);
  const path = pick(rng, paths);
  if (path.length === 0) return null;
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  let parent: Json = doc;
  for (const p of parentPath) parent = (parent as Record<string | number, Json>)[p];
  const container = parent as Record<string | number, Json>;
  const old = container[key];
  const replacement: () => Json = () => {
    const r = rng.int(10);
    if (r < 4 && (typeof old === 'number' || rng.next() < 0.3)) {
      return pick(rng, [0, -1, -5, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, 5e-324, 1e200, 30000, 3000, -0]);
    }
    if (r < 5) return null;
    if (r < 6) return pick(rng, ['', 'x', 'NaN', '__proto__', 'toString', '\ud800', 'é'.repeat(3)]);
    if (r < 7) return Array.isArray(old) ? [] : {};
    if (r < 8) return NEST_MARK;
    if (r < 9) return typeof old === 'string' ? 7 : String(old);
    return Array.isArray(old) ? [...old, ...old] : [old];
  };
  const op = rng.int(10);
  if (op < 6) container[key] = replacement();
  else if (op < 8 && !Array.isArray(container) && typeof key === 'string') {
    // Rename the key to one Object.prototype has, or drop it.
    const value = container[key];
    delete container[key];
    if (op === 6) defineOwn(container as Record<string, Json>, pick(rng, PROTOTYPE_KEYS), value);
  } else if (Array.isArray(container)) {
    const times = pick(rng, [1, 2, 50]);
    container.splice(key as number, 0, ...Array.from({ length: times }, () => structuredClone(old)));
  } else {
    defineOwn(container as Record<string, Json>, pick(rng, PROTOTYPE_KEYS), replacement());
  }
  let out = JSON.stringify(doc);
  if (out.includes(JSON.stringify(NEST_MARK))) {
    const depth = pick(rng, [100, 3000, 100_000]);
    const [open, close] = rng.next() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
    out = out.replace(JSON.stringify(NEST_MARK), open.repeat(depth) + '1' + close.repeat(depth));
  }
  return out;
}

export const jsonEdit: Mutator = {
  name: 'json',
  apply(bytes, rng) {
    const text = mutateJsonText(new TextDecoder().decode(bytes), rng);
    return text === null ? null : new TextEncoder().encode(text);
  },
};

// ---------------------------------------------------------------------------------------------
// Pickle mutators: a scan of the opcode stream, then edits at opcode boundaries

/** Argument layout of each pickle opcode: a fixed byte count, a length prefix of n bytes, or n newline-ended lines. */
type ArgSpec = number | { prefix: 1 | 4 | 8 } | { lines: 1 | 2 };
const OPCODES: Record<string, ArgSpec> = {
  '(': 0,
  '.': 0,
  '0': 0,
  '1': 0,
  '2': 0,
  N: 0,
  Q: 0,
  R: 0,
  a: 0,
  b: 0,
  d: 0,
  '}': 0,
  e: 0,
  l: 0,
  ']': 0,
  o: 0,
  s: 0,
  t: 0,
  ')': 0,
  u: 0,
  F: { lines: 1 },
  I: { lines: 1 },
  L: { lines: 1 },
  P: { lines: 1 },
  S: { lines: 1 },
  V: { lines: 1 },
  g: { lines: 1 },
  p: { lines: 1 },
  c: { lines: 2 },
  i: { lines: 2 },
  J: 4,
  K: 1,
  M: 2,
  h: 1,
  j: 4,
  q: 1,
  r: 4,
  G: 8,
  T: { prefix: 4 },
  U: { prefix: 1 },
  X: { prefix: 4 },
  B: { prefix: 4 },
  C: { prefix: 1 },
  '\x80': 1,
  '\x81': 0,
  '\x82': 1,
  '\x83': 2,
  '\x84': 4,
  '\x85': 0,
  '\x86': 0,
  '\x87': 0,
  '\x88': 0,
  '\x89': 0,
  '\x8a': { prefix: 1 },
  '\x8b': { prefix: 4 },
  '\x8c': { prefix: 1 },
  '\x8d': { prefix: 8 },
  '\x8e': { prefix: 8 },
  '\x8f': 0,
  '\x90': 0,
  '\x91': 0,
  '\x92': 0,
  '\x93': 0,
  '\x94': 0,
  '\x95': 8,
  '\x96': { prefix: 8 },
  '\x97': 0,
  '\x98': 0,
};

export interface PickleOp {
  op: string;
  start: number;
  /** First byte after the opcode's argument. */
  end: number;
}

/** The opcodes of a pickle up to STOP; null when the bytes are not a well-formed opcode stream. */
export function scanPickle(bytes: Uint8Array): PickleOp[] | null {
  const ops: PickleOp[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const op = String.fromCharCode(bytes[at]);
    const spec = OPCODES[op];
    if (spec === undefined) return null;
    let end = at + 1;
    if (typeof spec === 'number') end += spec;
    else if ('prefix' in spec) {
      if (end + spec.prefix > bytes.length) return null;
      const n = spec.prefix === 1 ? bytes[end] : spec.prefix === 4 ? view.getUint32(end, true) : Number(view.getBigUint64(end, true));
      end += spec.prefix + n;
    } else {
      for (let k = 0; k < spec.lines; k++) {
        const nl = bytes.indexOf(0x0a, end);
        if (nl < 0) return null;
        end = nl + 1;
      }
    }
    if (end > bytes.length) return null;
    ops.push({ op, start: at, end });
    if (op === '.') return ops;
    at = end;
  }
  return null;
}

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};
const i32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
};

/** The pickle with `ops` spliced in just before its STOP: they act on the finished top object. */
function beforeStop(bytes: Uint8Array, ops: Uint8Array): Uint8Array | null {
  const scan = scanPickle(bytes);
  const stop = scan?.at(-1);
  if (!stop || stop.op !== '.') return null;
  return concat([bytes.subarray(0, stop.start), ops, bytes.subarray(stop.start)]);
}

export const pickleWrapDeep: Mutator = {
  name: 'pickle-deep',
  apply(bytes, rng) {
    // TUPLE1 repeated: the top object nested inside `depth` one-element tuples.
    const depth = pick(rng, [1000, 20_000, 200_000]);
    return beforeStop(bytes, new Uint8Array(depth).fill(0x85));
  },
};

export const pickleShareDag: Mutator = {
  name: 'pickle-dag',
  apply(bytes, rng) {
    // DUP + TUPLE2 repeated: a chain of pairs whose two halves are the same object, 2^levels leaves as a tree.
    const levels = pick(rng, [24, 40, 64]);
    const chunk = new Uint8Array(levels * 2);
    for (let i = 0; i < levels; i++) chunk.set([0x32, 0x86], 2 * i);
    if (rng.next() < 0.5) return beforeStop(bytes, chunk);
    // As a dict key: { dag: None } next to the top object, then both dropped into a tuple.
    return beforeStop(bytes, concat([fromLatin1('}N'), chunk, fromLatin1('Ns'), new Uint8Array([0x86])]));
  },
};

export const pickleBigLong: Mutator = {
  name: 'pickle-long4',
  apply(bytes, rng) {
    const n = pick(rng, [10_000, 200_000, 1_000_000]);
    const digits = Uint8Array.from({ length: n }, () => rng.int(256));
    // LONG4 n bytes, then POP: the integer is built and dropped.
    return beforeStop(bytes, concat([new Uint8Array([0x8b]), u32(n), digits, new Uint8Array([0x30])]));
  },
};

/** Replaces a small integer argument (sizes, strides, storage offsets) with an edge value. */
export const pickleInt: Mutator = {
  name: 'pickle-int',
  apply(bytes, rng) {
    const ints = scanPickle(bytes)?.filter((o) => o.op === 'K' || o.op === 'M' || o.op === 'J');
    if (!ints || ints.length === 0) return null;
    const o = pick(rng, ints);
    const value = pick(rng, [-1, -8, -4096, 0, 2 ** 31 - 1, -(2 ** 31), 65536, 30000, 3000]);
    const big = rng.next() < 0.2;
    const encoded = big
      ? concat([new Uint8Array([0x8a, 8]), bigint64(pick(rng, [2n ** 53n, -(2n ** 53n), 2n ** 62n]))])
      : concat([new Uint8Array([0x4a]), i32(value)]);
    return concat([bytes.subarray(0, o.start), encoded, bytes.subarray(o.end)]);
  },
};

function bigint64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, v, true);
  return b;
}

/** Replaces a string or a global's name with an Object.prototype key, another storage type, or invalid UTF-8. */
export const pickleString: Mutator = {
  name: 'pickle-string',
  apply(bytes, rng) {
    const strings = scanPickle(bytes)?.filter((o) => o.op === 'X' || o.op === '\x8c' || o.op === 'c');
    if (!strings || strings.length === 0) return null;
    const o = pick(rng, strings);
    const choice = rng.int(3);
    const text =
      choice === 0
        ? fromLatin1(pick(rng, PROTOTYPE_KEYS))
        : choice === 1
          ? fromLatin1(
              pick(rng, [
                'DoubleStorage',
                'HalfStorage',
                'BoolStorage',
                'ComplexFloatStorage',
                'QInt8Storage',
                '_rebuild_parameter',
                'OrderedDict',
                'eval',
                'os',
              ]),
            )
          : Uint8Array.from([0x61, 0xff, 0xfe, 0x62]);
    if (o.op === 'c') {
      // GLOBAL "module\nname\n": replace the name (or the module).
      const body = latin1(bytes.subarray(o.start + 1, o.end)).split('\n');
      const which = rng.next() < 0.7 ? 1 : 0;
      body[which] = latin1(text);
      return concat([bytes.subarray(0, o.start + 1), fromLatin1(body.join('\n')), bytes.subarray(o.end)]);
    }
    return concat([bytes.subarray(0, o.start), new Uint8Array([0x58]), u32(text.length), text, bytes.subarray(o.end)]);
  },
};

/** Duplicates or deletes one opcode with its argument. */
export const pickleOpcode: Mutator = {
  name: 'pickle-opcode',
  apply(bytes, rng) {
    const ops = scanPickle(bytes);
    if (!ops || ops.length < 3) return null;
    const o = ops[1 + rng.int(ops.length - 2)];
    const copies = rng.next() < 0.5 ? 0 : 2;
    return concat([bytes.subarray(0, o.start), ...Array.from({ length: copies }, () => bytes.subarray(o.start, o.end)), bytes.subarray(o.end)]);
  },
};

export const PICKLE: Mutator[] = [pickleWrapDeep, pickleShareDag, pickleBigLong, pickleInt, pickleString, pickleOpcode];

// ---------------------------------------------------------------------------------------------
// .npy header: edit the dict text, rewrite the preamble's length and padding

export interface NpyParts {
  header: string;
  data: Uint8Array;
}

export function splitNpy(bytes: Uint8Array): NpyParts | null {
  if (bytes.length < 10 || bytes[0] !== 0x93 || latin1(bytes.subarray(1, 6)) !== 'NUMPY') return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const pre = major === 1 ? 10 : 12;
  if (bytes.length < pre) return null;
  const length = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  if (pre + length > bytes.length) return null;
  return { header: latin1(bytes.subarray(pre, pre + length)).trimEnd(), data: bytes.subarray(pre + length) };
}

/** An .npy with this header text (version 1 when it fits 65535 bytes, else version 2). */
export function joinNpy({ header, data }: NpyParts): Uint8Array {
  const text = fromLatin1(header);
  const v1 = text.length + 11 <= 0xffff;
  const pre = v1 ? 10 : 12;
  const padded = Math.ceil((pre + text.length + 1) / 64) * 64;
  const out = new Uint8Array(padded + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, v1 ? 1 : 2, 0]);
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, padded - pre, true);
  else view.setUint32(8, padded - pre, true);
  out.set(text, pre);
  out.fill(0x20, pre + text.length, padded - 1);
  out[padded - 1] = 0x0a;
  out.set(data, padded);
  return out;
}

export const npyHeaderEdit: Mutator = {
  name: 'npy-header',
  apply(bytes, rng, ctx) {
    const parts = splitNpy(bytes);
    if (!parts) return null;
    const text = fromLatin1(parts.header);
    const inner = pick(rng, [numberReplace, numberReplace, wordReplace, nesting, bitFlip, deleteRange, duplicateRange, invalidUtf8]);
    const changed = inner.apply(text, rng, ctx);
    if (!changed) return null;
    return joinNpy({ header: latin1(changed), data: parts.data });
  },
};
