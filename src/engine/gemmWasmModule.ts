/**
 * A register-blocked float32 matrix product in WebAssembly SIMD, hand-assembled over tfjs-backend-wasm's
 * memory (gemmKernel.ts drives it): each output block of GEMM_ROWS rows by eight columns lives in 2 *
 * GEMM_ROWS f32x4 accumulators, each summing a[i, p] * b[p, j] over p in order, a float32 multiply then a
 * float32 add (no fused multiply-add), starting from the bias, zero, or C (a later k block going on from
 * an earlier one's float32 partial sums, which is the same arithmetic). That is the order of XNNPACK's
 * wasmsimd GEMM microkernels that tfjs-backend-wasm's matMul runs, so the two give the same bits.
 *
 * A is read through strides (element (i, p) at a + i * rowStride + p * stepStride bytes), so a transposed
 * operand is read in place. B is a packed copy: panels of eight columns, panel q at b + q * panelStride,
 * its row p the 32 bytes at + p * 32 (a last part panel padded with zeros).
 */
import {
  bump,
  F32X4_ADD,
  F32X4_MUL,
  funcBody,
  get,
  I32,
  I32_ADD,
  I32_LT_U,
  I32_MUL,
  i32Const,
  ifElse,
  instantiateOverMemory,
  set,
  simd,
  V128,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';

/** Rows per register block: 8 accumulators, 2 B vectors and a splat (more rows spill in V8's x64 code). */
export const GEMM_ROWS = 4;
/** Columns per panel (two f32x4). */
export const GEMM_COLS = 8;

/**
 * blocks(a, rowStride, stepStride, b, panelStride, bias, c, rowStrideC, k, panels, tail, blocks, fromC, relu): for each
 * panel (panels full ones, then one of `tail` < 8 columns when tail > 0), for each of `blocks` blocks of r rows,
 * k steps. Addresses and strides in bytes; bias 0 for none; fromC 1 to start from C's values; relu 1 to store
 * max(sum, 0) as tf.relu does (gemmKernel.ts asks it of the last k block only).
 */
export type GemmBlocks = (
  a: number,
  rowStride: number,
  stepStride: number,
  b: number,
  panelStride: number,
  bias: number,
  c: number,
  rowStrideC: number,
  k: number,
  panels: number,
  tail: number,
  blocks: number,
  fromC: number,
  relu: number,
) => void;

const [A, RSA, SSA, B, PSB, BIAS, C, RSC, K, PANELS, TAIL, BLOCKS, FROMC, RELU] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
const [Q, PB, PC, PBIAS, BLK, PA, PCB, PP, PEND] = [14, 15, 16, 17, 18, 19, 20, 21, 22];
const PTR = 23;
/** f32x4.max(x, 0): tf.relu's values on wasm (-0 to +0, NaN kept NaN). */
const F32X4_MAX = simd(0xe9);

const memarg = (align: number, offset: number) => [align, ...(offset < 128 ? [offset] : [(offset & 0x7f) | 0x80, offset >> 7])];
const v128Load = (offset: number) => [...simd(0x00), ...memarg(4, offset)];
const v128Store = (offset: number) => [...simd(0x0b), ...memarg(4, offset)];
const LOAD32_SPLAT = (offset: number) => [...simd(0x09), ...memarg(2, offset)];
const f32Load = (offset: number) => [0x2a, ...memarg(2, offset)];
const f32Store = (offset: number) => [0x38, ...memarg(2, offset)];
const f32x4Extract = (l: number) => [...simd(0x1f), l];
const f32x4Replace = (l: number) => [...simd(0x20), l];

function blocksBody(rows: number, mode: 'steps' | 'rows', vectors: 1 | 2): number[] {
  const ptrs = Array.from({ length: rows }, (_, r) => PTR + r);
  const [ACC, BV, S] = [PTR + rows, PTR + rows + vectors * rows, PTR + rows + vectors * rows + vectors];
  const acc = (r: number, h: number) => ACC + vectors * r + h;
  const each = (f: (r: number) => number[]) => Array.from({ length: rows }, (_, r) => f(r)).flat();
  const halves = (f: (r: number, h: number) => number[]) => each((r) => (vectors === 2 ? [...f(r, 0), ...f(r, 1)] : f(r, 0)));
  const lanes = (f: (r: number, h: number, l: number) => number[]) => halves((r, h) => [0, 1, 2, 3].flatMap((l) => f(r, h, l)));
  const inTail = (h: number, l: number) => [...i32Const(4 * h + l), ...get(TAIL), ...I32_LT_U];
  const rowC = (r: number) => [...get(PCB), ...get(RSC), ...i32Const(r), ...I32_MUL, ...I32_ADD];
  const isTail = [...get(Q), ...get(PANELS), ...I32_LT_U, 0x45];
  // One step p: two B vectors, then per row a splat of a[i, p] times both. A's address: in 'steps' (stepStride
  // 4) each row's own pointer; in 'rows' (rowStride 4) one pointer plus 4 r. Unrolling the steps made V8's
  // code slower (~2x at 2 or 4 steps), so the loop goes one step at a time.
  const aAt = (r: number) => (mode === 'steps' ? [...get(ptrs[r]), ...LOAD32_SPLAT(0)] : [...get(ptrs[0]), ...LOAD32_SPLAT(4 * r)]);
  // prettier-ignore
  const step = [
    ...get(PP), ...v128Load(0), ...set(BV),
    ...(vectors === 2 ? [...get(PP), ...v128Load(16), ...set(BV + 1)] : []),
    ...each((r) => [
      ...aAt(r), ...set(S),
      ...get(acc(r, 0)), ...get(S), ...get(BV), ...F32X4_MUL, ...F32X4_ADD, ...set(acc(r, 0)),
      ...(vectors === 2 ? [...get(acc(r, 1)), ...get(S), ...get(BV + 1), ...F32X4_MUL, ...F32X4_ADD, ...set(acc(r, 1))] : []),
    ]),
    ...(mode === 'steps' ? each((r) => bump(ptrs[r], get(SSA))) : bump(ptrs[0], get(SSA))),
    ...bump(PP, i32Const(32)),
  ];
  // A part panel's C is read and written a lane at a time: its row may end the tensor.
  const init = ifElse(
    get(FROMC),
    ifElse(
      isTail,
      lanes((r, h, l) => [
        ...(l === 0 ? [...V128_ZERO, ...set(acc(r, h))] : []),
        ...ifElse(inTail(h, l), [...get(acc(r, h)), ...rowC(r), ...f32Load(16 * h + 4 * l), ...f32x4Replace(l), ...set(acc(r, h))]),
      ]),
      halves((r, h) => [...rowC(r), ...v128Load(16 * h), ...set(acc(r, h))]),
    ),
    ifElse(
      get(BIAS),
      halves((r, h) => [...get(PBIAS), ...v128Load(16 * h), ...set(acc(r, h))]),
      halves((r, h) => [...V128_ZERO, ...set(acc(r, h))]),
    ),
  );
  const relu = ifElse(
    get(RELU),
    halves((r, h) => [...get(acc(r, h)), ...V128_ZERO, ...F32X4_MAX, ...set(acc(r, h))]),
  );
  const store = ifElse(
    isTail,
    lanes((r, h, l) => ifElse(inTail(h, l), [...rowC(r), ...get(acc(r, h)), ...f32x4Extract(l), ...f32Store(16 * h + 4 * l)])),
    halves((r, h) => [...rowC(r), ...get(acc(r, h)), ...v128Store(16 * h)]),
  );
  // prettier-ignore
  const block = [
    ...init,
    ...each((r) => [...get(PA), ...get(RSA), ...i32Const(r), ...I32_MUL, ...I32_ADD, ...set(ptrs[r])]),
    ...get(PB), ...set(PP),
    ...get(PB), ...get(K), ...i32Const(32), ...I32_MUL, ...I32_ADD, ...set(PEND),
    ...whileLess(get(PP), get(PEND), step),
    ...relu,
    ...store,
    ...bump(PA, [...get(RSA), ...i32Const(rows), ...I32_MUL]),
    ...bump(PCB, [...get(RSC), ...i32Const(rows), ...I32_MUL]),
    ...bump(BLK, i32Const(1)),
  ];
  // prettier-ignore
  const panel = [
    ...get(A), ...set(PA), ...get(PC), ...set(PCB), ...i32Const(0), ...set(BLK),
    ...whileLess(get(BLK), get(BLOCKS), block),
    ...bump(PB, get(PSB)), ...bump(PC, i32Const(32)), ...bump(PBIAS, i32Const(32)), ...bump(Q, i32Const(1)),
  ];
  // prettier-ignore
  const code = [
    ...get(B), ...set(PB), ...get(C), ...set(PC), ...get(BIAS), ...set(PBIAS), ...i32Const(0), ...set(Q),
    // panels + (tail != 0) panels
    ...whileLess(get(Q), [...get(PANELS), ...get(TAIL), ...i32Const(0), 0x47, ...I32_ADD], panel),
  ];
  return funcBody(
    [
      [9 + rows, I32],
      [vectors * rows + vectors + 1, V128],
    ],
    code,
  );
}

/**
 * pack(src, stride, dst, k, panels): `panels` full panels of B into dst, B's element (p, j) at src + p * stride
 * + 4 j (packRows: B row-major, stride its row's bytes) or at src + j * stride + 4 p (packColumns: B^T row-major).
 */
export type GemmPack = (src: number, stride: number, dst: number, k: number, panels: number) => void;

const [SRC, STRIDE, DST, PK, PPANELS] = [0, 1, 2, 3, 4];
const [PQ, PSRC, PDST, PEND2, COL] = [5, 6, 7, 8, 9];

// prettier-ignore
function packBody(columns: boolean): number[] {
  // Per panel: psrc = src + q * (columns ? 8 stride : 32); per row p, 32 bytes to pdst.
  const row = columns
    ? Array.from({ length: GEMM_COLS }, (_, j) => [...get(PDST), ...get(PSRC), ...get(COL + j), ...I32_ADD, ...f32Load(0), ...f32Store(4 * j)]).flat()
    : [...get(PDST), ...get(PSRC), ...v128Load(0), ...v128Store(0), ...get(PDST), ...get(PSRC), ...v128Load(16), ...v128Store(16)];
  const panel = [
    ...get(SRC), ...get(PQ), ...(columns ? [...get(STRIDE), ...i32Const(8), ...I32_MUL] : i32Const(32)), ...I32_MUL, ...I32_ADD, ...set(PSRC),
    ...get(PDST), ...get(PK), ...i32Const(32), ...I32_MUL, ...I32_ADD, ...set(PEND2),
    ...whileLess(get(PDST), get(PEND2), [...row, ...bump(PSRC, columns ? i32Const(4) : get(STRIDE)), ...bump(PDST, i32Const(32))]),
    ...bump(PQ, i32Const(1)),
  ];
  const columnOffsets = columns ? Array.from({ length: GEMM_COLS }, (_, j) => [...get(STRIDE), ...i32Const(j), ...I32_MUL, ...set(COL + j)]).flat() : [];
  return funcBody([[5 + GEMM_COLS, I32]], [...columnOffsets, ...get(DST), ...set(PDST), ...i32Const(0), ...set(PQ), ...whileLess(get(PQ), get(PPANELS), panel)]);
}

export interface GemmModule {
  /** Blocks of r rows: steps[r - 1] where A's stepStride is 4, rows[r - 1] where its rowStride is 4 (1 <= r <= GEMM_ROWS). */
  steps: GemmBlocks[];
  rows: GemmBlocks[];
  /** The same over a panel's first four columns only (one B vector, half the arithmetic): for products of n <= 4 columns. */
  narrowSteps: GemmBlocks[];
  narrowRows: GemmBlocks[];
  packRows: GemmPack;
  packColumns: GemmPack;
}

/** The module over `memory`; null where the engine refuses it (no SIMD). */
export function gemmWasm(memory: WebAssembly.Memory): GemmModule | null {
  const kinds = [
    ['steps', 'steps', 2],
    ['rows', 'rows', 2],
    ['narrowSteps', 'steps', 1],
    ['narrowRows', 'rows', 1],
  ] as const;
  const blocks = kinds.flatMap(([name, mode, vectors]) =>
    Array.from({ length: GEMM_ROWS }, (_, i) => ({ name: `${name}${i + 1}`, params: Array<number>(14).fill(I32), body: blocksBody(i + 1, mode, vectors) })),
  );
  const packs = [
    { name: 'packRows', params: Array<number>(5).fill(I32), body: packBody(false) },
    { name: 'packColumns', params: Array<number>(5).fill(I32), body: packBody(true) },
  ];
  const exports = instantiateOverMemory(memory, [...blocks, ...packs]);
  if (!exports) return null;
  const pick = (name: string) => Array.from({ length: GEMM_ROWS }, (_, i) => exports[`${name}${i + 1}`] as GemmBlocks);
  return {
    steps: pick('steps'),
    rows: pick('rows'),
    narrowSteps: pick('narrowSteps'),
    narrowRows: pick('narrowRows'),
    packRows: exports.packRows as GemmPack,
    packColumns: exports.packColumns as GemmPack,
  };
}
