/**
 * The search stage (searchStage.ts) as WebAssembly: every column's score in one SIMD call per
 * batch, and each row's top-k columns chosen in a second call. Each dot product reads four float32
 * values a step, widens them to float64 (f64x2) and multiplies and adds in float64 as the JS loop
 * does, only in another order (four partial sums, then added): a score can differ from the JS
 * loop's in the last float64 bit, ~1e-16 relative, far below the float32 tables' own precision.
 * For rows of up to 16 values the dot is unrolled over the row's query held in locals (the same
 * operations in the same order as the called dot, so the same bits), and the pass checks each
 * history id as it reads it. The top-k gives the JS loop's columns in its order (topKBody: the same
 * list, built from the other end of the row; rows holding NaN go back to the JS loop). The module
 * is assembled here (a few KB): no build step, no fetch.
 *
 * Tables that are tfjs-backend-wasm tensors (valuesInPlace's views of its heap) with rows of a
 * multiple of 4 values are read where they are: the module then runs over that heap, with its
 * scratch space malloc'ed there. Other tables (the cpu backend's, other attention dims) are copied
 * into the module's own memory each call, their rows padded to a multiple of 4 values with zeros,
 * which add nothing.
 */
import { tfjsWasmHeap, type WasmHeap } from '../../engine/wasmHeap.ts';
import type { SequenceBatch } from './sequenceBatch.ts';
import {
  bump,
  call,
  F64,
  F64_ADD,
  F64_GE,
  F64_NE,
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
  I32_GE_U,
  I32_LT_U,
  I32_NE,
  I32_OR,
  I32_MUL,
  I32_SHL,
  I32_SUB,
  i32Const,
  i32Load,
  i32Store,
  ifElse,
  instantiateOverMemory,
  SELECT,
  set,
  simd,
  uleb,
  V128,
  V128_LOAD,
  V128_ZERO,
  whileAll,
  whileLess,
} from '../../engine/wasmAssembler.ts';

const MASKED = -1e9;

/** (a0 + a1)'s two float64 lanes added: the dot from its two partial-sum vectors. */
const sumOfPartials = (a0: number, a1: number) => [
  ...get(a0),
  ...get(a1),
  ...F64X2_ADD,
  ...set(a0),
  ...get(a0),
  ...f64x2Lane(0),
  ...get(a0),
  ...f64x2Lane(1),
  ...F64_ADD,
];

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
    ...sumOfPartials(A0, A1),
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
 * scores(rows, L, rowBytes, catRows, perCat, item, cat, tItems, tCats, hItems, hCats, byPos, catScores, out, scale, itemRows):
 * out[r][j] = ((q_r . item[h]) + (c_r . cat[hc])) * scale + byPos[L - j], + MASKED where h = 0, with
 * the category dots taken once per row and category (catScores) when perCat != 0. Returns 1 when a
 * history id is outside its table (0..itemRows - 1, 0..catRows - 1; such an id reads row 0
 * instead, and the scores are not to be used), else 0. The targets' ids are the caller's to check.
 */
function scoresBody(steps: number): number[] {
  const [ROWS, L, RB, CATS, PER_CAT, ITEM, CAT, T_ITEMS, T_CATS, H_ITEMS, H_CATS, BY_POS, CAT_SCORES, OUT, SCALE, ITEM_ROWS] = Array.from(
    { length: 16 },
    (_, i) => i,
  );
  const [R, J, QI, QC, HI, HC, C, HP, CP, OP, BAD] = Array.from({ length: 11 }, (_, i) => 16 + i);
  const [DOT, V] = [27, 28];
  // The row's query as float64 pairs (lower and upper two values of each group of 4), and the dot's sums.
  const QV = Array.from({ length: 8 }, (_, i) => 29 + i);
  const [A0, A1, Y] = [37, 38, 39];
  // id = id < rows ? id : 0, bad |= id >= rows (unsigned: negative ids too), so no id reads outside its table.
  const checked = (id: number, rows: number) => [
    ...get(BAD),
    ...get(id),
    ...get(rows),
    ...I32_GE_U,
    ...I32_OR,
    ...set(BAD),
    ...get(id),
    ...i32Const(0),
    ...get(id),
    ...get(rows),
    ...I32_LT_U,
    ...SELECT,
    ...set(id),
  ];
  const load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
  // dot's steps unrolled over the query held in QV: the same products, summed in the same order.
  const inlineDot = (address: number[]) => [
    ...V128_ZERO,
    ...set(A0),
    ...V128_ZERO,
    ...set(A1),
    ...Array.from({ length: steps }, (_, s) => [
      ...address,
      ...load(16 * s),
      ...set(Y),
      ...get(A0),
      ...get(QV[2 * s]),
      ...get(Y),
      ...F64X2_PROMOTE_LOW,
      ...F64X2_MUL,
      ...F64X2_ADD,
      ...set(A0),
      ...get(A1),
      ...get(QV[2 * s + 1]),
      ...get(Y),
      ...get(Y),
      ...HIGH_F32,
      ...F64X2_PROMOTE_LOW,
      ...F64X2_MUL,
      ...F64X2_ADD,
      ...set(A1),
    ]).flat(),
    ...sumOfPartials(A0, A1),
  ];
  const query = Array.from({ length: steps }, (_, s) => [
    ...get(QI),
    ...load(16 * s),
    ...set(Y),
    ...get(Y),
    ...F64X2_PROMOTE_LOW,
    ...set(QV[2 * s]),
    ...get(Y),
    ...get(Y),
    ...HIGH_F32,
    ...F64X2_PROMOTE_LOW,
    ...set(QV[2 * s + 1]),
  ]).flat();
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
    ...checked(HI, ITEM_ROWS),
    ...get(CP),
    ...i32Load(0),
    ...set(HC),
    ...checked(HC, CATS),
    ...(steps > 0 ? inlineDot(rowAddress(ITEM, get(HI))) : [...get(QI), ...rowAddress(ITEM, get(HI)), ...get(RB), ...call(0)]),
    ...set(DOT),
    ...ifElse(
      get(PER_CAT),
      [...get(DOT), ...get(CAT_SCORES), ...get(HC), ...i32Const(3), ...I32_SHL, ...I32_ADD, ...f64Load(0), ...F64_ADD, ...set(DOT)],
      [...get(DOT), ...get(QC), ...rowAddress(CAT, get(HC)), ...get(RB), ...call(0), ...F64_ADD, ...set(DOT)],
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
    ...query,
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
    ...get(BAD),
  ];
  return funcBody(
    [
      [11, I32],
      [2, F64],
      [11, V128],
    ],
    code,
  );
}

/** Groups of 4 values per table row up to which scores has a version with the dot unrolled over the query held in locals. */
const UNROLLED = 4;

/**
 * topk(scores, rows, L, k, best, out): each row's k best columns of scores (rows x L float64) into
 * out (rows x k int32), best first, equal scores lower column first; `best` holds the list's k
 * scores. It scans each row from its last column, inserting into a list sorted best first: a
 * column enters while the list has room or when it is at least the k-th, and moves up past every
 * entry it is at least (it is the lowest column so far, so it goes before equal scores). That is
 * the same list as searchStage.ts's forward insertion (strictly better enters, lower columns first),
 * with fewer moves: left padding comes last and rarely enters. NaN breaks that equivalence (it
 * compares false both ways), so a row holding one gets out[row][0] = -1 and is redone forward.
 */
function topKBody(): number[] {
  const [SCORES, ROWS, L, K, BEST, OUT] = [0, 1, 2, 3, 4, 5];
  const [R, J, N, SP, OP, BP, CP, LAST, NAN] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
  const V = 15;
  const minus = (l: number, step: number) => [...get(l), ...i32Const(step), ...I32_SUB, ...set(l)];
  // Move entries down while v is at least the one above, then put v and its column at (bp, cp).
  const insert = [
    ...whileAll(
      [
        [...get(BP), ...get(BEST), ...I32_NE],
        [...get(V), ...get(BP), ...i32Const(8), ...I32_SUB, ...f64Load(0), ...F64_GE],
      ],
      [
        ...get(BP),
        ...get(BP),
        ...i32Const(8),
        ...I32_SUB,
        ...f64Load(0),
        ...f64Store(0),
        ...get(CP),
        ...get(CP),
        ...i32Const(4),
        ...I32_SUB,
        ...i32Load(0),
        ...i32Store(0),
        ...minus(BP, 8),
        ...minus(CP, 4),
      ],
    ),
    ...get(BP),
    ...get(V),
    ...f64Store(0),
    ...get(CP),
    ...get(J),
    ...i32Store(0),
  ];
  const at = (base: number, i: number[], shift: number) => [...get(base), ...i, ...i32Const(shift), ...I32_SHL, ...I32_ADD];
  const column = [
    ...minus(J, 1),
    ...minus(SP, 8),
    ...get(SP),
    ...f64Load(0),
    ...set(V),
    ...get(NAN),
    ...get(V),
    ...get(V),
    ...F64_NE,
    ...I32_OR,
    ...set(NAN),
    ...ifElse(
      [...get(N), ...get(K), ...I32_LT_U],
      [...at(BEST, get(N), 3), ...set(BP), ...at(OP, get(N), 2), ...set(CP), ...bump(N, i32Const(1)), ...insert],
      ifElse(
        [...get(V), ...get(LAST), ...f64Load(0), ...F64_GE],
        [...get(LAST), ...set(BP), ...at(OP, [...get(K), ...i32Const(1), ...I32_SUB], 2), ...set(CP), ...insert],
      ),
    ),
  ];
  const row = [
    ...i32Const(0),
    ...set(N),
    ...i32Const(0),
    ...set(NAN),
    ...get(L),
    ...set(J),
    ...bump(SP, [...get(L), ...i32Const(3), ...I32_SHL]),
    // while (0 < j): the row's columns from the last.
    ...whileLess(i32Const(0), get(J), column),
    ...ifElse(get(NAN), [...get(OP), ...i32Const(-1), ...i32Store(0)]),
    ...bump(SP, [...get(L), ...i32Const(3), ...I32_SHL]),
    ...bump(OP, [...get(K), ...i32Const(2), ...I32_SHL]),
    ...bump(R, i32Const(1)),
  ];
  const code = [
    ...i32Const(0),
    ...set(R),
    ...get(SCORES),
    ...set(SP),
    ...get(OUT),
    ...set(OP),
    ...at(BEST, [...get(K), ...i32Const(1), ...I32_SUB], 3),
    ...set(LAST),
    ...whileLess(get(R), get(ROWS), row),
  ];
  return funcBody(
    [
      [9, I32],
      [1, F64],
    ],
    code,
  );
}

/** dot (function 0), scores0 (any row width: calls dot), scores1..scores4 (rows of 4..16 values), topk. */
const FUNCTIONS = [
  { params: [I32, I32, I32], results: [F64], body: dotBody() },
  ...Array.from({ length: UNROLLED + 1 }, (_, steps) => ({
    name: `scores${steps}`,
    params: [...new Array<number>(14).fill(I32), F64, I32],
    results: [I32],
    body: scoresBody(steps),
  })),
  { name: 'topk', params: new Array<number>(6).fill(I32), body: topKBody() },
];

/** The search tables as searchStage.ts holds them. */
export interface KernelTables {
  item: Float32Array;
  category: Float32Array;
  dim: number;
}

export interface SearchKernel {
  /**
   * Every column's score (rows x historyLength) of a batch whose target ids are checked: a view of
   * the kernel's memory, valid until its next call; null when a history id is outside its table.
   * `byPosition` holds (pos_0 . pos_p) / sqrt(a) for p = 0..L; `perCategory`: take each row's
   * category dots once per category (fewer categories than columns).
   */
  scores(batch: SequenceBatch, tables: KernelTables, byPosition: Float64Array, perCategory: boolean): Float64Array | null;
  /**
   * Each row's top-k columns of those scores (rows x k, row-major, best first; a new array), and the
   * scores (a view as above). A row whose scores hold NaN has -1 as its first column: the caller
   * redoes it (topKBody says why). Null when a history id is outside its table.
   */
  topK(
    batch: SequenceBatch,
    tables: KernelTables,
    byPosition: Float64Array,
    perCategory: boolean,
    k: number,
  ): { picks: Int32Array; scores: Float64Array } | null;
}

/** The module over one memory, and where its scratch space of `bytes` starts (views taken after: it may grow the memory). */
interface Instance {
  memory: WebAssembly.Memory;
  /** scores0..scores4 by index; 1 when a history id is outside its table. */
  scores: ((...args: number[]) => number)[];
  topk: (...args: number[]) => void;
  scratch(bytes: number): number;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

function instance(memory: WebAssembly.Memory, scratch: (bytes: number) => number): Instance | null {
  const ex = instantiateOverMemory(memory, FUNCTIONS);
  return ex
    ? {
        memory,
        scores: Array.from({ length: UNROLLED + 1 }, (_, steps) => ex[`scores${steps}`] as unknown as (...args: number[]) => number),
        topk: ex.topk,
        scratch,
      }
    : null;
}

/** The module over its own memory, scratch from address 0; null without WebAssembly SIMD. */
function ownInstance(): Instance | null {
  const memory = new WebAssembly.Memory({ initial: 1 });
  return instance(memory, (bytes) => {
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    return 0;
  });
}

/** The module over tfjs-backend-wasm's heap, its scratch one malloc'ed block kept between calls (grown when a batch needs more). */
function heapInstance(heap: WasmHeap): Instance | null {
  let block = 0;
  let size = 0;
  return instance(heap.memory, (bytes) => {
    if (bytes > size) {
      if (block) heap.free(block);
      block = heap.malloc(bytes + 16);
      if (!block) throw new RangeError(`the wasm heap has no room for the search's ${bytes} bytes`);
      size = bytes;
    }
    return align16(block);
  });
}

let own: Instance | null | undefined;
const overHeaps = new WeakMap<WebAssembly.Memory, Instance | null>();

function overHeap(heap: WasmHeap): Instance | null {
  let found = overHeaps.get(heap.memory);
  if (found === undefined) overHeaps.set(heap.memory, (found = heapInstance(heap)));
  return found;
}

/** Lays the batch out in an instance's memory, scores it, and (k > 0) picks each row's top k. */
function run(
  batch: SequenceBatch,
  t: KernelTables,
  byPosition: Float64Array,
  perCategory: boolean,
  k: number,
): { memory: WebAssembly.Memory; scoresAt: number; picksAt: number } | null {
  const { rows, historyLength: L } = batch;
  const a = t.dim;
  const itemRows = t.item.length / a;
  const catRows = t.category.length / a;
  const heap = tfjsWasmHeap();
  const inHeap = heap !== null && a % 4 === 0 && t.item.buffer === heap.memory.buffer && t.category.buffer === heap.memory.buffer;
  const over = inHeap ? overHeap(heap) : null;
  const inst = over ?? own!;
  const stride = over ? a : Math.ceil(a / 4) * 4;
  // Addresses before the scratch is had: growing the memory keeps them but detaches the views.
  const tableBytes = over ? 0 : align16(itemRows * stride * 4) + align16(catRows * stride * 4);
  const [itemOffset, catOffset] = [t.item.byteOffset, t.category.byteOffset];
  // Byte layout of the scratch, each part 16-aligned.
  const tItemsAt = tableBytes;
  const tCatsAt = tItemsAt + align16(rows * 4);
  const hItemsAt = tCatsAt + align16(rows * 4);
  const hCatsAt = hItemsAt + align16(rows * L * 4);
  const byPosAt = hCatsAt + align16(rows * L * 4);
  const catScoresAt = byPosAt + align16((L + 1) * 8);
  const scoresAt = catScoresAt + align16(catRows * 8);
  const bestAt = scoresAt + rows * L * 8;
  const picksAt = bestAt + align16(k * 8);
  const base = inst.scratch(picksAt + rows * k * 4);
  const f32 = new Float32Array(inst.memory.buffer);
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
  let [itemAt, catAt] = [itemOffset, catOffset];
  if (!over) {
    [itemAt, catAt] = [base, base + align16(itemRows * stride * 4)];
    copyTable(t.item, itemAt);
    copyTable(t.category, catAt);
  }
  const i32s = new Int32Array(inst.memory.buffer);
  i32s.set(batch.targetItems, (base + tItemsAt) / 4);
  i32s.set(batch.targetCategories, (base + tCatsAt) / 4);
  i32s.set(batch.histItems, (base + hItemsAt) / 4);
  i32s.set(batch.histCategories, (base + hCatsAt) / 4);
  new Float64Array(inst.memory.buffer, base + byPosAt, L + 1).set(byPosition);
  const steps = stride / 4;
  const bad = inst.scores[steps <= UNROLLED ? steps : 0](
    rows,
    L,
    stride * 4,
    catRows,
    perCategory ? 1 : 0,
    itemAt,
    catAt,
    base + tItemsAt,
    base + tCatsAt,
    base + hItemsAt,
    base + hCatsAt,
    base + byPosAt,
    base + catScoresAt,
    base + scoresAt,
    1 / Math.sqrt(2 * a),
    itemRows,
  );
  if (bad) return null;
  if (k > 0) inst.topk(base + scoresAt, rows, L, k, base + bestAt, base + picksAt);
  return { memory: inst.memory, scoresAt: base + scoresAt, picksAt: base + picksAt };
}

/** The kernel, or null where WebAssembly SIMD is unavailable (the search keeps its JS loops). */
export function wasmSearchKernel(): SearchKernel | null {
  if (own === undefined) own = ownInstance();
  if (!own) return null;
  return kernel;
}

const kernel: SearchKernel = {
  scores(batch, t, byPosition, perCategory) {
    const done = run(batch, t, byPosition, perCategory, 0);
    return done && new Float64Array(done.memory.buffer, done.scoresAt, batch.rows * batch.historyLength);
  },
  topK(batch, t, byPosition, perCategory, k) {
    const done = run(batch, t, byPosition, perCategory, k);
    if (!done) return null;
    const { memory, scoresAt, picksAt } = done;
    return {
      picks: new Int32Array(memory.buffer, picksAt, batch.rows * k).slice(),
      scores: new Float64Array(memory.buffer, scoresAt, batch.rows * batch.historyLength),
    };
  },
};
