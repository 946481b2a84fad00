/**
 * The search stage's scores (searchStage.ts) as one WebAssembly SIMD call per batch. Each dot
 * product reads four float32 values a step, widens them to float64 (f64x2) and multiplies and adds
 * in float64 as the JS loop does, only in another order (four partial sums, then added): a score
 * can differ from the JS loop's in the last float64 bit, ~1e-16 relative, far below the float32
 * tables' own precision. The module is assembled here (~400 bytes): no build step, no fetch.
 *
 * Tables are copied into the module's memory each call (their rows padded to a multiple of 4
 * values with zeros, which add nothing), so it works the same whichever tfjs backend holds them.
 */
import type { SequenceBatch } from './sequenceBatch.ts';
import {
  assembleModule,
  bump,
  call,
  F64,
  F64_ADD,
  F64_MUL,
  f64Const,
  f64Load,
  f64Store,
  F64X2_ADD,
  F64X2_MUL,
  F64X2_PROMOTE_LOW,
  f64x2Lane,
  funcBody,
  get,
  HIGH_F32,
  I32,
  I32_ADD,
  I32_EQZ,
  I32_MUL,
  I32_SHL,
  I32_SUB,
  i32Const,
  i32Load,
  ifElse,
  set,
  V128,
  V128_LOAD,
  V128_ZERO,
  whileLess,
} from '../../engine/wasmAssembler.ts';

const MASKED = -1e9;

/** dot(p, q, bytes): sum of p[i] q[i] over bytes / 4 float32 values (a multiple of 4), in float64. */
function dotBody(): number[] {
  const [P, Q, N] = [0, 1, 2];
  const END = 3;
  const [X, Y, A0, A1] = [4, 5, 6, 7];
  const step = [
    ...get(P),
    ...V128_LOAD,
    ...set(X),
    ...get(Q),
    ...V128_LOAD,
    ...set(Y),
    ...get(A0),
    ...get(X),
    ...F64X2_PROMOTE_LOW,
    ...get(Y),
    ...F64X2_PROMOTE_LOW,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(A0),
    ...get(A1),
    ...get(X),
    ...get(X),
    ...HIGH_F32,
    ...F64X2_PROMOTE_LOW,
    ...get(Y),
    ...get(Y),
    ...HIGH_F32,
    ...F64X2_PROMOTE_LOW,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(A1),
    ...bump(P, i32Const(16)),
    ...bump(Q, i32Const(16)),
  ];
  const code = [
    ...get(P),
    ...get(N),
    ...I32_ADD,
    ...set(END),
    ...V128_ZERO,
    ...set(A0),
    ...V128_ZERO,
    ...set(A1),
    ...whileLess(get(P), get(END), step),
    ...get(A0),
    ...get(A1),
    ...F64X2_ADD,
    ...set(A0),
    ...get(A0),
    ...f64x2Lane(0),
    ...get(A0),
    ...f64x2Lane(1),
    ...F64_ADD,
  ];
  return funcBody(
    [
      [1, I32],
      [4, V128],
    ],
    code,
  );
}

/**
 * scores(rows, L, rowBytes, catRows, perCat, item, cat, tItems, tCats, hItems, hCats, byPos, catScores, out, scale):
 * out[r][j] = ((q_r . item[h]) + (c_r . cat[hc])) * scale + byPos[L - j], + MASKED where h = 0, with
 * the category dots taken once per row and category (catScores) when perCat != 0.
 */
function scoresBody(): number[] {
  const [ROWS, L, RB, CATS, PER_CAT, ITEM, CAT, T_ITEMS, T_CATS, H_ITEMS, H_CATS, BY_POS, CAT_SCORES, OUT, SCALE] = Array.from({ length: 15 }, (_, i) => i);
  const [R, J, QI, QC, HI, C, HP, CP, OP] = Array.from({ length: 9 }, (_, i) => 15 + i);
  const [DOT, V] = [24, 25];
  const rowAddress = (table: number, id: number[]) => [...get(table), ...id, ...get(RB), ...I32_MUL, ...I32_ADD];
  const perCategory = whileLess(get(C), get(CATS), [
    ...get(CAT_SCORES),
    ...get(C),
    ...i32Const(3),
    ...I32_SHL,
    ...I32_ADD,
    ...get(QC),
    ...rowAddress(CAT, get(C)),
    ...get(RB),
    ...call(0),
    ...f64Store(0),
    ...bump(C, i32Const(1)),
  ]);
  const column = [
    ...get(HP),
    ...i32Load(0),
    ...set(HI),
    ...get(QI),
    ...rowAddress(ITEM, get(HI)),
    ...get(RB),
    ...call(0),
    ...set(DOT),
    ...ifElse(
      get(PER_CAT),
      [...get(DOT), ...get(CAT_SCORES), ...get(CP), ...i32Load(0), ...i32Const(3), ...I32_SHL, ...I32_ADD, ...f64Load(0), ...F64_ADD, ...set(DOT)],
      [...get(DOT), ...get(QC), ...rowAddress(CAT, [...get(CP), ...i32Load(0)]), ...get(RB), ...call(0), ...F64_ADD, ...set(DOT)],
    ),
    ...get(DOT),
    ...get(SCALE),
    ...F64_MUL,
    ...get(BY_POS),
    ...get(L),
    ...get(J),
    ...I32_SUB,
    ...i32Const(3),
    ...I32_SHL,
    ...I32_ADD,
    ...f64Load(0),
    ...F64_ADD,
    ...set(V),
    ...ifElse([...get(HI), ...I32_EQZ], [...get(V), ...f64Const(MASKED), ...F64_ADD, ...set(V)]),
    ...get(OP),
    ...get(V),
    ...f64Store(0),
    ...bump(HP, i32Const(4)),
    ...bump(CP, i32Const(4)),
    ...bump(OP, i32Const(8)),
    ...bump(J, i32Const(1)),
  ];
  const row = [
    ...rowAddress(ITEM, [...get(T_ITEMS), ...get(R), ...i32Const(2), ...I32_SHL, ...I32_ADD, ...i32Load(0)]),
    ...set(QI),
    ...rowAddress(CAT, [...get(T_CATS), ...get(R), ...i32Const(2), ...I32_SHL, ...I32_ADD, ...i32Load(0)]),
    ...set(QC),
    ...ifElse(get(PER_CAT), [...i32Const(0), ...set(C), ...perCategory]),
    ...i32Const(0),
    ...set(J),
    ...whileLess(get(J), get(L), column),
    ...bump(R, i32Const(1)),
  ];
  const code = [
    ...i32Const(0),
    ...set(R),
    ...get(H_ITEMS),
    ...set(HP),
    ...get(H_CATS),
    ...set(CP),
    ...get(OUT),
    ...set(OP),
    ...whileLess(get(R), get(ROWS), row),
  ];
  return funcBody(
    [
      [9, I32],
      [2, F64],
    ],
    code,
  );
}

/** dot (function 0, called by scores) and scores, over the kernel's own memory. */
const moduleBytes = () =>
  assembleModule(
    [
      { params: [I32, I32, I32], results: [F64], body: dotBody() },
      { name: 'scores', params: [...new Array<number>(14).fill(I32), F64], body: scoresBody() },
    ],
    false,
  );

interface Exports {
  scores: (...args: number[]) => void;
}

/** The search tables as searchStage.ts holds them. */
export interface KernelTables {
  item: Float32Array;
  category: Float32Array;
  dim: number;
}

export interface SearchKernel {
  /**
   * Every column's score (rows x historyLength) of a checked batch: a view of the kernel's memory,
   * valid until its next call. `byPosition` holds (pos_0 . pos_p) / sqrt(a) for p = 0..L;
   * `perCategory`: take each row's category dots once per category (fewer categories than columns).
   */
  scores(batch: SequenceBatch, tables: KernelTables, byPosition: Float64Array, perCategory: boolean): Float64Array;
}

let compiled: WebAssembly.Module | null | undefined;
let shared: SearchKernel | null | undefined;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The kernel, or null where WebAssembly SIMD is unavailable (the search keeps its JS loop). */
export function wasmSearchKernel(): SearchKernel | null {
  if (shared !== undefined) return shared;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return (shared = null);
  const mem = new WebAssembly.Memory({ initial: 1 });
  const ex = new WebAssembly.Instance(compiled, { env: { memory: mem } }).exports as unknown as Exports;
  shared = {
    scores(batch, t, byPosition, perCategory) {
      const { rows, historyLength: L } = batch;
      const a = t.dim;
      const stride = Math.ceil(a / 4) * 4;
      const itemRows = t.item.length / a;
      const catRows = t.category.length / a;
      // Byte layout, each part 16-aligned.
      const itemAt = 0;
      const catAt = itemAt + align16(itemRows * stride * 4);
      const tItemsAt = catAt + align16(catRows * stride * 4);
      const tCatsAt = tItemsAt + align16(rows * 4);
      const hItemsAt = tCatsAt + align16(rows * 4);
      const hCatsAt = hItemsAt + align16(rows * L * 4);
      const byPosAt = hCatsAt + align16(rows * L * 4);
      const catScoresAt = byPosAt + align16((L + 1) * 8);
      const outAt = catScoresAt + align16(catRows * 8);
      const end = outAt + rows * L * 8;
      if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
      const f32 = new Float32Array(mem.buffer);
      const copyTable = (values: Float32Array, at: number) => {
        if (stride === a) {
          f32.set(values, at / 4);
          return;
        }
        const n = values.length / a;
        for (let i = 0; i < n; i++) {
          const to = at / 4 + i * stride;
          f32.set(values.subarray(i * a, (i + 1) * a), to);
          f32.fill(0, to + a, to + stride);
        }
      };
      copyTable(t.item, itemAt);
      copyTable(t.category, catAt);
      const i32s = new Int32Array(mem.buffer);
      i32s.set(batch.targetItems, tItemsAt / 4);
      i32s.set(batch.targetCategories, tCatsAt / 4);
      i32s.set(batch.histItems, hItemsAt / 4);
      i32s.set(batch.histCategories, hCatsAt / 4);
      new Float64Array(mem.buffer, byPosAt, L + 1).set(byPosition);
      ex.scores(
        rows,
        L,
        stride * 4,
        catRows,
        perCategory ? 1 : 0,
        itemAt,
        catAt,
        tItemsAt,
        tCatsAt,
        hItemsAt,
        hCatsAt,
        byPosAt,
        catScoresAt,
        outAt,
        1 / Math.sqrt(2 * a),
      );
      return new Float64Array(mem.buffer, outAt, rows * L);
    },
  };
  return shared;
}
