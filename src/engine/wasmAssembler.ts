/**
 * The few pieces of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/)
 * that the hand-assembled kernels (engine's and the sequence models') need: numbers, sections,
 * locals, loops and branches, and a module of functions over an imported memory (tfjs-backend-wasm's,
 * shared in its threaded build, or a kernel's own).
 */

export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const text = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

export const [I32, F32, F64, V128] = [0x7f, 0x7d, 0x7c, 0x7b];
export const get = (l: number) => [0x20, ...uleb(l)];
export const set = (l: number) => [0x21, ...uleb(l)];
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
export const i32Const = (n: number) => [0x41, ...sleb(n)];
export const f64Const = (x: number) => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)];
export const call = (f: number) => [0x10, ...uleb(f)];
export const [I32_EQZ, I32_ADD, I32_SUB, I32_MUL, I32_SHL] = [[0x45], [0x6a], [0x6b], [0x6c], [0x74]];
export const [F64_ADD, F64_MUL] = [[0xa0], [0xa2]];
/** i32.ne, i32.lt_u, i32.ge_u, i32.or; f64.ne (true when either side is NaN), f64.ge (false then): leave an i32. */
export const [I32_NE, I32_LT_U, I32_GE_U, I32_OR, F64_NE, F64_GE] = [[0x47], [0x49], [0x4f], [0x72], [0x62], [0x66]];
/** select: (a, b, cond) -> cond ? a : b. */
export const SELECT = [0x1b];
/** i32.load / f64.load / f64.store at an address plus `offset` bytes (natural alignment). */
export const i32Load = (offset = 0) => [0x28, 2, ...uleb(offset)];
export const f64Load = (offset = 0) => [0x2b, 3, ...uleb(offset)];
export const f64Store = (offset = 0) => [0x39, 3, ...uleb(offset)];
export const i32Store = (offset = 0) => [0x36, 2, ...uleb(offset)];
/** Scalar float32: load and store (4-byte aligned, offset 0), a constant, gt, neg, add, sub, mul, div, max. */
export const F32_LOAD = [0x2a, 2, 0];
export const F32_STORE = [0x38, 2, 0];
export const f32Const = (x: number) => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)];
export const [F32_GT, F32_NEG, F32_ADD, F32_SUB, F32_MUL, F32_DIV, F32_MAX] = [[0x5e], [0x8c], [0x92], [0x93], [0x94], [0x95], [0x97]];
/** memory.fill (dst, value, bytes). */
export const MEMORY_FILL = [0xfc, 11, 0x00];
/** unreachable: traps (a RuntimeError in JS). */
export const UNREACHABLE = [0x00];

export const simd = (code: number) => [0xfd, ...uleb(code)];
/** v128.load / v128.store (alignment hint 16 bytes, offset 0). */
export const V128_LOAD = [...simd(0x00), 4, 0];
export const V128_STORE = [...simd(0x0b), 4, 0];
export const V128_ZERO = [...simd(0x0c), ...Array<number>(16).fill(0)];
/** f32x4 splat, sqrt, add, sub, mul, div: lane-wise IEEE float32, as scalar float32 arithmetic rounds. */
export const [F32X4_SPLAT, F32X4_SQRT, F32X4_ADD, F32X4_SUB, F32X4_MUL, F32X4_DIV] = [simd(0x13), simd(0xe3), simd(0xe4), simd(0xe5), simd(0xe6), simd(0xe7)];
/** f32x4 ne, gt (lane masks), v128 and, bitselect (a where the mask's bits are set, else b). */
export const [F32X4_NE, F32X4_GT, V128_AND, V128_BITSELECT] = [simd(0x42), simd(0x44), simd(0x4e), simd(0x52)];
/** 1.0f in four lanes. */
export const F32X4_ONES = [...simd(0x0c), ...Array.from({ length: 4 }, () => [0, 0, 0x80, 0x3f]).flat()];
/** tf.step(h) of the vector h as a factor: NaN where h is NaN, 1 where h > 0, else 0 (`ones`: 1.0f in four lanes). */
export const stepOf = (h: number[], ones = F32X4_ONES) => [
  ...h,
  ...h,
  ...V128_ZERO,
  ...F32X4_GT,
  ...ones,
  ...V128_AND,
  ...h,
  ...h,
  ...F32X4_NE,
  ...V128_BITSELECT,
];
/** f64x2 add, mul; promote_low: the lower two float32 lanes widened to float64. */
export const [F64X2_ADD, F64X2_MUL, F64X2_PROMOTE_LOW] = [simd(0xf0), simd(0xf2), simd(0x5f)];
/** i8x16.shuffle of (v, v): the upper two float32 lanes moved to the lower two. */
export const HIGH_F32 = [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** f64x2.extract_lane. */
export const f64x2Lane = (l: number) => [...simd(0x21), l];

/** local += step (i32) */
export const bump = (l: number, step: number[]) => [...get(l), ...step, ...I32_ADD, ...set(l)];
/** while (a < b) { body } (unsigned) */
export const whileLess = (a: number[], b: number[], body: number[]) => [0x02, 0x40, 0x03, 0x40, ...a, ...b, 0x4f, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
/** while (every cond) { body }: the conds are tested in order, a later one only when the earlier hold (each leaves an i32). */
export const whileAll = (conds: number[][], body: number[]) => [
  ...[0x02, 0x40, 0x03, 0x40],
  ...conds.flatMap((cond) => [...cond, ...I32_EQZ, 0x0d, 1]),
  ...body,
  ...[0x0c, 0, 0x0b, 0x0b],
];
/** if (cond) { then } else { otherwise }; cond leaves an i32. */
export const ifElse = (cond: number[], then: number[], otherwise: number[] = []) => [
  ...cond,
  0x04,
  0x40,
  ...then,
  ...(otherwise.length > 0 ? [0x05, ...otherwise] : []),
  0x0b,
];

/** A function body: local declarations as [count, type] runs, then code. */
export function funcBody(locals: [number, number][], code: number[]): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  return [...uleb(decl.length + code.length + 1), ...decl, ...code, 0x0b];
}

/** One function; `name` exports it; `call(i)` calls the i-th of the module's list. */
export interface AssembledFunction {
  name?: string;
  params: number[];
  results?: number[];
  body: number[];
}

/** A module of `functions` that imports its memory as env.memory (`shared`: a shared memory). */
export function assembleModule(functions: AssembledFunction[], shared: boolean): Uint8Array<ArrayBuffer> {
  // Memory import limits: min 0, and for shared memory the largest maximum (a shared import needs one).
  const memoryImport = [...text('env'), ...text('memory'), 0x02, ...(shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0])];
  const exported = functions.flatMap((f, i) => (f.name === undefined ? [] : [[...text(f.name), 0x00, ...uleb(i)]]));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results?.length ?? 0), ...(f.results ?? [])]))),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(exported)),
    ...section(10, vec(functions.map((f) => f.body))),
  ]);
}

/** Instantiates functions (no results) over `memory`; null where the engine refuses (no SIMD). */
export function instantiateOverMemory(memory: WebAssembly.Memory, functions: AssembledFunction[]): Record<string, (...args: number[]) => void> | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(assembleModule(functions, shared)), { env: { memory } });
    return instance.exports as unknown as Record<string, (...args: number[]) => void>;
  } catch {
    return null;
  }
}
