/**
 * The transpose of a float32 (or int32: the same bytes) matrix as WebAssembly SIMD over
 * tfjs-backend-wasm's memory: 4 x 4 blocks, each 4 row loads, 8 lane shuffles and 4 stores,
 * walked in 64 x 4 tiles so the stores' rows stay in cache. For matrices whose sides are
 * multiples of 4 (what training transposes: batch x width and weight matrices); wasmTranspose.ts
 * handles the rest in JS. Values are moved, never computed.
 */
import { funcBody, get, I32, I32_ADD, I32_MUL, i32Const, instantiateOverMemory, set, simd, V128, V128_LOAD, V128_STORE, whileLess } from './wasmAssembler.ts';

const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3];
const [R0, C0, R, C, REND, CEND, P, Q, RS, RS2, RS3, QS, QS2, QS3] = Array.from({ length: 14 }, (_, i) => 4 + i);
const [A, B, CV, D, T0, T1, T2, T3] = Array.from({ length: 8 }, (_, i) => 18 + i);
// Tiles 64 rows by 4 columns: each 4 x 4 block writes 4 output rows, and a tile 4 output rows; wider
// tiles (16 x 16) wrote 16 rows 4 KB apart when the input has 1024 rows and thrashed the cache
// (1024 x 400: 0.75 ms against 0.08 ms).
const [TILE_R, TILE_C] = [64, 4];

/** i8x16.shuffle picking float lanes (0-3 from the first operand, 4-7 from the second). */
const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
const add = (a: number[], b: number[]) => [...a, ...b, ...I32_ADD];
const mul = (a: number[], b: number[]) => [...a, ...b, ...I32_MUL];
/** local = min(local0 + n, limit) */
const tileEnd = (from: number, limit: number, to: number, n: number) => [
  ...add(get(from), i32Const(n)),
  ...get(limit),
  ...add(get(from), i32Const(n)),
  ...get(limit),
  0x49,
  0x1b,
  ...set(to),
];

function transposeBody(): number[] {
  // prettier-ignore
  const block = [
    ...add(get(SRC), mul(add(mul(get(R), get(COLS)), get(C)), i32Const(4))), ...set(P),
    ...add(get(DST), mul(add(mul(get(C), get(ROWS)), get(R)), i32Const(4))), ...set(Q),
    ...get(P), ...V128_LOAD, ...set(A),
    ...add(get(P), get(RS)), ...V128_LOAD, ...set(B),
    ...add(get(P), get(RS2)), ...V128_LOAD, ...set(CV),
    ...add(get(P), get(RS3)), ...V128_LOAD, ...set(D),
    ...get(A), ...get(B), ...shuffle([0, 4, 1, 5]), ...set(T0),
    ...get(CV), ...get(D), ...shuffle([0, 4, 1, 5]), ...set(T1),
    ...get(A), ...get(B), ...shuffle([2, 6, 3, 7]), ...set(T2),
    ...get(CV), ...get(D), ...shuffle([2, 6, 3, 7]), ...set(T3),
    ...get(Q), ...get(T0), ...get(T1), ...shuffle([0, 1, 4, 5]), ...V128_STORE,
    ...add(get(Q), get(QS)), ...get(T0), ...get(T1), ...shuffle([2, 3, 6, 7]), ...V128_STORE,
    ...add(get(Q), get(QS2)), ...get(T2), ...get(T3), ...shuffle([0, 1, 4, 5]), ...V128_STORE,
    ...add(get(Q), get(QS3)), ...get(T2), ...get(T3), ...shuffle([2, 3, 6, 7]), ...V128_STORE,
    ...add(get(C), i32Const(4)), ...set(C),
  ];
  // prettier-ignore
  const tile = [
    ...tileEnd(C0, COLS, CEND, TILE_C),
    ...get(R0), ...set(R),
    ...whileLess(get(R), get(REND), [...get(C0), ...set(C), ...whileLess(get(C), get(CEND), block), ...add(get(R), i32Const(4)), ...set(R)]),
    ...add(get(C0), i32Const(TILE_C)), ...set(C0),
  ];
  // prettier-ignore
  const code = [
    ...mul(get(COLS), i32Const(4)), ...set(RS), ...add(get(RS), get(RS)), ...set(RS2), ...add(get(RS2), get(RS)), ...set(RS3),
    ...mul(get(ROWS), i32Const(4)), ...set(QS), ...add(get(QS), get(QS)), ...set(QS2), ...add(get(QS2), get(QS)), ...set(QS3),
    ...whileLess(get(R0), get(ROWS), [
      ...tileEnd(R0, ROWS, REND, TILE_R),
      ...i32Const(0), ...set(C0),
      ...whileLess(get(C0), get(COLS), tile),
      ...add(get(R0), i32Const(TILE_R)), ...set(R0),
    ]),
  ];
  return funcBody(
    [
      [14, I32],
      [8, V128],
    ],
    code,
  );
}

/** transpose(srcByte, dstByte, rows, cols), rows and cols multiples of 4. */
export type TransposeWasm = (src: number, dst: number, rows: number, cols: number) => void;

const modules = new WeakMap<WebAssembly.Memory, TransposeWasm | null>();

/** The kernel over `memory`, or null where WebAssembly SIMD is missing. */
export function transposeWasm(memory: WebAssembly.Memory): TransposeWasm | null {
  let m = modules.get(memory);
  if (m === undefined) {
    const exports = instantiateOverMemory(memory, [{ name: 'transpose', params: [I32, I32, I32, I32], body: transposeBody() }]);
    m = exports ? (exports.transpose as TransposeWasm) : null;
    modules.set(memory, m);
  }
  return m;
}
