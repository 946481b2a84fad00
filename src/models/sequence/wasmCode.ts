/**
 * A few WebAssembly binary encodings (https://webassembly.github.io/spec/core/binary/), enough to
 * assemble the sequence models' small SIMD kernels in TypeScript with no build step (as
 * analysis/gramKernelWasm.ts does for the Gram).
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

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};

export const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
export const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
export const [I32, F32, F64, V128] = [0x7f, 0x7d, 0x7c, 0x7b];

export const get = (l: number): number[] => [0x20, ...uleb(l)];
export const set = (l: number): number[] => [0x21, ...uleb(l)];
export const i32 = (n: number): number[] => [0x41, ...sleb(n)];
export const f64 = (x: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)];
export const call = (f: number): number[] => [0x10, ...uleb(f)];
export const [ADD, SUB, MUL, SHL, EQZ, LT_U] = [0x6a, 0x6b, 0x6c, 0x74, 0x45, 0x49];
export const [F64_ADD, F64_MUL] = [0xa0, 0xa2];
export const i32Load = (offset = 0): number[] => [0x28, 2, ...uleb(offset)];
export const f64Load = (offset = 0): number[] => [0x2b, 3, ...uleb(offset)];
export const f64Store = (offset = 0): number[] => [0x39, 3, ...uleb(offset)];

const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
export const v128Load = (offset = 0): number[] => simd(0x00, 4, ...uleb(offset));
export const v128Store = (offset = 0): number[] => simd(0x0b, 4, ...uleb(offset));
/** f32x4 splat, sqrt, add, sub, mul, div: lane-wise IEEE float32, as scalar float32 arithmetic rounds. */
export const [F32X4_SPLAT, F32X4_SQRT, F32X4_ADD, F32X4_SUB, F32X4_MUL, F32X4_DIV] = [0x13, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7].map((op) => simd(op));
export const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
export const [VADD, VMUL, PROMOTE_LOW] = [simd(0xf0), simd(0xf2), simd(0x5f)];
/** i8x16.shuffle of (v, v): the upper two float32 lanes moved to the lower two. */
export const HIGH_F32 = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
/** f64x2.extract_lane. */
export const lane = (l: number): number[] => simd(0x21, l);

/** local += step */
export const bump = (l: number, step: number[]): number[] => [...get(l), ...step, ADD, ...set(l)];
/** while (a < b) { body } (unsigned) */
export const whileLess = (a: number[], b: number[], content: number[]): number[] => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...a,
  ...b,
  0x4f,
  0x0d,
  1,
  ...content,
  0x0c,
  0,
  0x0b,
  0x0b,
];
/** if (cond) { then } else { otherwise }; cond leaves an i32. */
export const ifElse = (cond: number[], then: number[], otherwise: number[] = []): number[] => [
  ...cond,
  0x04,
  0x40,
  ...then,
  ...(otherwise.length > 0 ? [0x05, ...otherwise] : []),
  0x0b,
];

/** A function body: locals as [count, type] runs, then code. */
export function body(locals: [number, number][], code: number[]): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  return [...uleb(decl.length + code.length + 1), ...decl, ...code, 0x0b];
}

/** A function type: params and results as value types. */
export const funcType = (params: number[], results: number[]): number[] => [0x60, params.length, ...params, results.length, ...results];
