/**
 * The Gram's block kernels as WebAssembly SIMD (f64x2), exact float64 like the JS kernel. The
 * module is assembled here (~1 KB): no build step, no fetch.
 *
 * - `convert`: float32 (or float64) rows to float64 rows of the padded stride, with each row's sum
 *   of squares and a NaN/Inf flag, 4 (2) values per step.
 * - `gram`: G += X^T X over a block of rows, by 4 x 4 tiles of G held in 8 f64x2 registers while
 *   the block's rows stream past: per row and tile 4 splat loads + 2 loads feed 8 multiplies and 8
 *   adds (the previous rank-8 kernel loaded one x value per multiply-add and re-read G every 8 rows).
 * - `colsum`: column sums of a block (centred mode).
 */
import { blockCapacity, paddedStride, type GramKernel } from './gramKernel.ts';

const uleb = (n: number): number[] => {
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
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions (https://webassembly.github.io/spec/core/binary/instructions.html).
const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
const i32 = (n: number) => [0x41, ...sleb(n)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const [ADD, MUL, SHL, LT_U] = [0x6a, 0x6c, 0x74, 0x49];
const [F64_ADD, F64_SUB, F64_MUL, F64_PROMOTE] = [0xa0, 0xa1, 0xa2, 0xbb];
const f32Load = (offset = 0) => [0x2a, 2, ...uleb(offset)];
const f64Load = (offset = 0) => [0x2b, 3, ...uleb(offset)];
const f64Store = (offset = 0) => [0x39, 3, ...uleb(offset)];
const v128Load = (offset = 0) => simd(0x00, 4, ...uleb(offset));
const v128Store = (offset = 0) => simd(0x0b, 4, ...uleb(offset));
const load64Splat = (offset = 0) => simd(0x0a, 3, ...uleb(offset));
const zero = simd(0x0c, ...new Array<number>(16).fill(0));
const [VADD, VSUB, VMUL, PROMOTE_LOW] = [simd(0xf0), simd(0xf1), simd(0xf2), simd(0x5f)];
/** The upper two float32 lanes of a v128 moved to the lower two. */
const HIGH_F32 = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
const lane = (l: number) => simd(0x21, l);
/** local += step */
const bump = (l: number, step: number[]) => [...get(l), ...step, ADD, ...set(l)];
/** while (a < b) { body } (unsigned) */
const whileLess = (a: number[], b: number[], body: number[]) => [0x02, 0x40, 0x03, 0x40, ...a, ...b, 0x4f, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
/** do { body } while (a < b) (unsigned) */
const doWhileLess = (body: number[], a: number[], b: number[]) => [0x03, 0x40, ...body, ...a, ...b, LT_U, 0x0d, 0, 0x0b];
/** if (a < b) { body } */
const ifLess = (a: number[], b: number[], body: number[]) => [...a, ...b, LT_U, 0x04, 0x40, ...body, 0x0b];

/** A function body: locals as [count, type] runs, then code. */
function body(locals: [number, number][], code: number[]): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  return [...uleb(decl.length + code.length + 1), ...decl, ...code, 0x0b];
}
const [I32, F64, V128] = [0x7f, 0x7c, 0x7b];

/**
 * gram(n, stride, x, g): for tiles (i0, j0 >= i0) of 4 x 4, acc = sum over rows of x[r][i0..+4]^T x[r][j0..+4],
 * then G[i0..+4][j0..+4] += acc. Byte addresses x and g.
 */
function gramBody(): number[] {
  const [N, KP, X, G] = [0, 1, 2, 3];
  const [ROW, END, I0, J0, PI, PJ, STOP, GQ] = [4, 5, 6, 7, 8, 9, 10, 11];
  const [XJ0, XJ1, A] = [12, 13, 14];
  const ACC = 15; // 8 accumulators: ACC + 2q (columns j0, j0+1) and ACC + 2q + 1 (j0+2, j0+3)
  const rowStep = [
    ...get(PJ),
    ...v128Load(0),
    ...set(XJ0),
    ...get(PJ),
    ...v128Load(16),
    ...set(XJ1),
    ...[0, 1, 2, 3].flatMap((q) => [
      ...get(PI),
      ...load64Splat(8 * q),
      ...set(A),
      ...get(ACC + 2 * q),
      ...get(A),
      ...get(XJ0),
      ...VMUL,
      ...VADD,
      ...set(ACC + 2 * q),
      ...get(ACC + 2 * q + 1),
      ...get(A),
      ...get(XJ1),
      ...VMUL,
      ...VADD,
      ...set(ACC + 2 * q + 1),
    ]),
    ...bump(PI, get(ROW)),
    ...bump(PJ, get(ROW)),
  ];
  const store = [0, 1, 2, 3].flatMap((q) => [
    ...(q === 0 ? [] : bump(GQ, get(ROW))),
    ...get(GQ),
    ...get(GQ),
    ...v128Load(0),
    ...get(ACC + 2 * q),
    ...VADD,
    ...v128Store(0),
    ...get(GQ),
    ...get(GQ),
    ...v128Load(16),
    ...get(ACC + 2 * q + 1),
    ...VADD,
    ...v128Store(16),
  ]);
  const tile = [
    ...Array.from({ length: 8 }, (_, a) => [...zero, ...set(ACC + a)]).flat(),
    ...get(X),
    ...get(I0),
    ...i32(3),
    SHL,
    ADD,
    ...set(PI),
    ...get(X),
    ...get(J0),
    ...i32(3),
    SHL,
    ADD,
    ...set(PJ),
    ...get(PI),
    ...get(END),
    ADD,
    ...set(STOP),
    ...ifLess(get(PI), get(STOP), doWhileLess(rowStep, get(PI), get(STOP))),
    // GQ = g + (i0 * stride + j0) * 8
    ...get(G),
    ...get(I0),
    ...get(KP),
    MUL,
    ...get(J0),
    ADD,
    ...i32(3),
    SHL,
    ADD,
    ...set(GQ),
    ...store,
  ];
  const code = [
    ...get(KP),
    ...i32(3),
    SHL,
    ...set(ROW),
    ...get(N),
    ...get(ROW),
    MUL,
    ...set(END),
    ...i32(0),
    ...set(I0),
    ...whileLess(get(I0), get(KP), [...get(I0), ...set(J0), ...whileLess(get(J0), get(KP), [...tile, ...bump(J0, i32(4))]), ...bump(I0, i32(4))]),
  ];
  return body(
    [
      [8, I32],
      [11, V128],
    ],
    code,
  );
}

/**
 * convert(n, k, stride, src, x, sq, pz, f64): row r of src (k float32 values, or float64 when f64 != 0)
 * to x + r * stride * 8 as float64; sq[r] = sum of squares, pz[r] = sum of (v - v) (NaN for NaN or +-Inf).
 */
function convertBody(): number[] {
  const [N, K, KP, SRC, X, SQ, PZ, IS64] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [R, J, S, D] = [8, 9, 10, 11];
  const [SSQ, SPZ, F] = [12, 13, 14];
  const [VSQ, VPZ, V, LO, HI] = [15, 16, 17, 18, 19];
  const accumulate = (v: number) => [
    ...get(VSQ),
    ...get(v),
    ...get(v),
    ...VMUL,
    ...VADD,
    ...set(VSQ),
    ...get(VPZ),
    ...get(v),
    ...get(v),
    ...VSUB,
    ...VADD,
    ...set(VPZ),
  ];
  const scalarTail = (load: number[], width: number) =>
    whileLess(get(J), get(K), [
      ...get(S),
      ...load,
      ...set(F),
      ...get(D),
      ...get(F),
      ...f64Store(0),
      ...get(SSQ),
      ...get(F),
      ...get(F),
      F64_MUL,
      F64_ADD,
      ...set(SSQ),
      ...get(SPZ),
      ...get(F),
      ...get(F),
      F64_SUB,
      F64_ADD,
      ...set(SPZ),
      ...bump(S, i32(width)),
      ...bump(D, i32(8)),
      ...bump(J, i32(1)),
    ]);
  const from32 = [
    // 4 values a step: two f64x2 halves
    ...whileLess(
      [...get(J), ...i32(4), ADD],
      [...get(K), ...i32(1), ADD],
      [
        ...get(S),
        ...v128Load(0),
        ...set(V),
        ...get(V),
        ...PROMOTE_LOW,
        ...set(LO),
        ...get(V),
        ...get(V),
        ...HIGH_F32,
        ...PROMOTE_LOW,
        ...set(HI),
        ...get(D),
        ...get(LO),
        ...v128Store(0),
        ...get(D),
        ...get(HI),
        ...v128Store(16),
        ...accumulate(LO),
        ...accumulate(HI),
        ...bump(S, i32(16)),
        ...bump(D, i32(32)),
        ...bump(J, i32(4)),
      ],
    ),
    ...scalarTail([...f32Load(0), F64_PROMOTE], 4),
  ];
  const from64 = [
    ...whileLess(
      [...get(J), ...i32(2), ADD],
      [...get(K), ...i32(1), ADD],
      [
        ...get(S),
        ...v128Load(0),
        ...set(LO),
        ...get(D),
        ...get(LO),
        ...v128Store(0),
        ...accumulate(LO),
        ...bump(S, i32(16)),
        ...bump(D, i32(16)),
        ...bump(J, i32(2)),
      ],
    ),
    ...scalarTail(f64Load(0), 8),
  ];
  const row = [
    ...zero,
    ...set(VSQ),
    ...zero,
    ...set(VPZ),
    0x44,
    ...new Array<number>(8).fill(0),
    ...set(SSQ),
    0x44,
    ...new Array<number>(8).fill(0),
    ...set(SPZ),
    ...i32(0),
    ...set(J),
    // D = x + r * stride * 8
    ...get(X),
    ...get(R),
    ...get(KP),
    MUL,
    ...i32(3),
    SHL,
    ADD,
    ...set(D),
    ...get(IS64),
    0x04,
    0x40,
    ...from64,
    0x05,
    ...from32,
    0x0b,
    // sq[r], pz[r]
    ...get(SQ),
    ...get(R),
    ...i32(3),
    SHL,
    ADD,
    ...get(VSQ),
    ...lane(0),
    ...get(VSQ),
    ...lane(1),
    F64_ADD,
    ...get(SSQ),
    F64_ADD,
    ...f64Store(0),
    ...get(PZ),
    ...get(R),
    ...i32(3),
    SHL,
    ADD,
    ...get(VPZ),
    ...lane(0),
    ...get(VPZ),
    ...lane(1),
    F64_ADD,
    ...get(SPZ),
    F64_ADD,
    ...f64Store(0),
    ...bump(R, i32(1)),
  ];
  const code = [...i32(0), ...set(R), ...get(SRC), ...set(S), ...whileLess(get(R), get(N), row)];
  return body(
    [
      [4, I32],
      [3, F64],
      [5, V128],
    ],
    code,
  );
}

/** colsum(n, stride, x, s): s[j] += x[r][j] for rows r < n, two columns a step. */
function colsumBody(): number[] {
  const [N, KP, X, S] = [0, 1, 2, 3];
  const [P, END, J, C] = [4, 5, 6, 7];
  const code = [
    ...get(X),
    ...get(N),
    ...get(KP),
    MUL,
    ...i32(3),
    SHL,
    ADD,
    ...set(END),
    ...get(X),
    ...set(P),
    ...whileLess(get(P), get(END), [
      ...i32(0),
      ...set(J),
      ...whileLess(get(J), get(KP), [
        ...get(S),
        ...get(J),
        ...i32(3),
        SHL,
        ADD,
        ...set(C),
        ...get(C),
        ...get(C),
        ...v128Load(0),
        ...get(P),
        ...get(J),
        ...i32(3),
        SHL,
        ADD,
        ...v128Load(0),
        ...VADD,
        ...v128Store(0),
        ...bump(J, i32(2)),
      ]),
      ...get(P),
      ...get(KP),
      ...i32(3),
      SHL,
      ADD,
      ...set(P),
    ]),
  ];
  return body([[4, I32]], code);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const fn = (params: number) => [0x60, params, ...new Array<number>(params).fill(I32), 0];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [3, ...fn(4), ...fn(8), ...fn(4)]),
    ...section(2, [1, ...name('m'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [3, 0, 1, 2]),
    ...section(7, [3, ...name('gram'), 0x00, 0, ...name('convert'), 0x00, 1, ...name('colsum'), 0x00, 2]),
    ...section(10, [3, ...gramBody(), ...convertBody(), ...colsumBody()]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (the caller keeps its JS loops). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

interface Exports {
  gram: (n: number, stride: number, x: number, g: number) => void;
  convert: (n: number, k: number, stride: number, src: number, x: number, sq: number, pz: number, f64: number) => void;
  colsum: (n: number, stride: number, x: number, s: number) => void;
}

/** A kernel with its own memory for a K-dim Gram, or null without WebAssembly SIMD. */
export function wasmGramKernel(k: number, rows?: number): GramKernel | null {
  const mod = kernelModule();
  if (!mod) return null;
  const stride = paddedStride(k);
  const capacity = rows ?? blockCapacity(stride);
  // Layout (bytes, each part 16-aligned): G, column sums, sumSq, poison, x rows, staging.
  const gAt = 0;
  const sAt = gAt + stride * stride * 8;
  const sqAt = sAt + stride * 8;
  const pzAt = sqAt + capacity * 8;
  const xAt = pzAt + capacity * 8;
  const inAt = xAt + capacity * stride * 8;
  const bytes = inAt + capacity * k * 8;
  const mem = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) || 1 });
  const ex = new WebAssembly.Instance(mod, { m: { mem } }).exports as unknown as Exports;
  return {
    capacity,
    stride,
    x: new Float64Array(mem.buffer, xAt, capacity * stride),
    sumSq: new Float64Array(mem.buffer, sqAt, capacity),
    poison: new Float64Array(mem.buffer, pzAt, capacity),
    in32: new Float32Array(mem.buffer, inAt, capacity * k),
    in64: new Float64Array(mem.buffer, inAt, capacity * k),
    upper: new Float64Array(mem.buffer, gAt, stride * stride),
    colSum: new Float64Array(mem.buffer, sAt, stride),
    convert: (n, at, f64) => ex.convert(n, k, stride, inAt, xAt + at * stride * 8, sqAt + at * 8, pzAt + at * 8, f64 ? 1 : 0),
    addRows: (n) => ex.gram(n, stride, xAt, gAt),
    addColumns: (n) => ex.colsum(n, stride, xAt, sAt),
  };
}
