/**
 * The arithmetic of fusedAttention.ts's target attention as WebAssembly SIMD over the kernel's own
 * memory: the content dots of the kept columns, the pooling, and the two halves of the gradient
 * (pooling: the weights' gradient and the representation tables'; logits: the attention and
 * position tables'). What needs exp (softmax, sigmoid) stays in JavaScript between the calls.
 *
 * Every value is the one fusedAttention.ts's JS loops compute, bit for bit: float32 values are
 * widened to float64 (f64x2), each product and sum is the JS loop's float64 operation, a dot's terms
 * are added one at a time in the JS loop's order (only the products run two lanes at once), and a
 * float32 gradient element gets old + float64 term rounded to float32 once (f32x4.demote), in the
 * JS loop's order. Table widths must be multiples of 4 (a v128 holds 4 float32 values).
 *
 * The module is assembled here (~2 KB): no build step, no fetch.
 */
import {
  assembleModule,
  bump,
  F32X4_ADD,
  F64,
  F64_ADD,
  F64_MUL,
  F64_NE,
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
  i32Const,
  i32Load,
  ifElse,
  SELECT,
  set,
  simd,
  uleb,
  V128,
  V128_ZERO,
  whileLess,
} from '../../engine/wasmAssembler.ts';

const v128Load = (offset = 0) => [...simd(0x00), 4, ...uleb(offset)];
const v128Store = (offset = 0) => [...simd(0x0b), 4, ...uleb(offset)];
const F64X2_SPLAT = simd(0x14);
/** f32x4.demote_f64x2_zero: two float64 lanes rounded to float32 into lanes 0, 1 (2, 3 zero). */
const F32X4_DEMOTE = simd(0x5e);
/** i8x16.shuffle: float32 lanes 0, 1 of the first operand, then lanes 0, 1 of the second. */
const LOW_PAIRS = [...simd(0x0d), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** f64.gt: false when either side is NaN. */
const F64_GT = [0x64];
const MASKED = -1e9;

/** Names the locals after `params` parameters: i32s, then f64s, then v128s. */
function frame(params: number, i32s: string[], f64s: string[], v128s: string[]) {
  const at: Record<string, number> = {};
  [...i32s, ...f64s, ...v128s].forEach((name, i) => (at[name] = params + i));
  const decl: [number, number][] = [
    [i32s.length, I32],
    [f64s.length, F64],
    [v128s.length, V128],
  ];
  return { at, decl: decl.filter(([n]) => n > 0) };
}

/** base + index * stride (i32). */
const rowAt = (base: number, index: number[], stride: number | number[]) => [
  ...get(base),
  ...index,
  ...(typeof stride === 'number' ? get(stride) : stride),
  ...I32_MUL,
  ...I32_ADD,
];
const plus = (a: number, b: number) => [...get(a), ...get(b), ...I32_ADD];
/** into = from + 2 width (i32): the address two rows of `width` bytes on. */
const twoWidthsOn = (from: number, width: number, into: number) => [...get(from), ...get(width), ...get(width), ...I32_ADD, ...I32_ADD, ...set(into)];
/** Moves each id pointer on by one int32 and `counter` on by one: the next column (or row). */
const advance = (pointers: number[], counter: number) => [...pointers.flatMap((p) => bump(p, i32Const(4))), ...bump(counter, i32Const(1))];
/** The target's rows of the item and category attention tables into locals qi and qc. */
const targetRows = (at: Record<string, number>, [IA, CA]: number[], [TI, TC]: number[], A4: number) => [
  ...rowAt(IA, idAt(TI), A4),
  ...set(at.qi),
  ...rowAt(CA, idAt(TC), A4),
  ...set(at.qc),
];
const idAt = (pointer: number) => [...get(pointer), ...i32Load()];
const promoteLow = (v: number) => [...get(v), ...F64X2_PROMOTE_LOW];
const promoteHigh = (v: number) => [...get(v), ...get(v), ...HIGH_F32, ...F64X2_PROMOTE_LOW];
/** scalar += lane 0 of f64x2 local v, then += lane 1 (the JS loop's order). */
const addLanes = (scalar: number, v: number) => [
  ...get(scalar),
  ...get(v),
  ...f64x2Lane(0),
  ...F64_ADD,
  ...get(v),
  ...f64x2Lane(1),
  ...F64_ADD,
  ...set(scalar),
];
/** The f64x2 pair at address + offset gets `term` (f64x2 code) added. */
const addPair = (address: number[], offset: number, term: number[]) => [
  ...address,
  ...address,
  ...v128Load(offset),
  ...term,
  ...F64X2_ADD,
  ...v128Store(offset),
];
/**
 * The four float32 values at `address` get the float64 terms `lo` (lanes 0, 1) and `hi` (2, 3)
 * added, each sum rounded to float32 once; `old` is a v128 scratch local.
 */
const accumulate = (address: number[], old: number, lo: number[], hi: number[]) => [
  ...address,
  ...address,
  ...v128Load(),
  ...set(old),
  ...promoteLow(old),
  ...lo,
  ...F64X2_ADD,
  ...F32X4_DEMOTE,
  ...promoteHigh(old),
  ...hi,
  ...F64X2_ADD,
  ...F32X4_DEMOTE,
  ...LOW_PAIRS,
  ...v128Store(),
];
const times = (scale: number, v: number[]) => [...get(scale), ...v, ...F64X2_MUL];
const load = (address: number[], offset = 0) => [...address, ...v128Load(offset)];
/** for (E = 0, F = 0; E < limit; E += 16, F += 32) body: E walks float32 bytes, F float64 bytes. */
const lanes = (E: number, F: number, limit: number, body: number[]) => [
  ...i32Const(0),
  ...set(E),
  ...i32Const(0),
  ...set(F),
  ...whileLess(get(E), get(limit), [...body, ...bump(E, i32Const(16)), ...bump(F, i32Const(32))]),
];

/**
 * logits(rows, n, a4, tItems, tCats, cItems, cCats, cPositions, itemA, catA, byPosition, out, rowMax,
 * contentScale): out[r][c] = dot * contentScale + byPosition[p_c] + (-1e9 where the column is
 * padding), dot = sum over e of (q_I[e] k_I[e] + q_C[e] k_C[e]) for row r's target q and kept column
 * c's k, added term by term; rowMax[r] = the row's largest (a NaN never replaces it).
 */
function logitsBody(): number[] {
  const [ROWS, N, A4, TI, TC, CI, CC, CP, IA, CA, BYPOS, OUT, MAX, CS] = Array.from({ length: 14 }, (_, i) => i);
  const { at, decl } = frame(14, ['r', 'c', 'qi', 'qc', 'ki', 'kc', 'e', 'f'], ['dot', 'max'], ['x', 'y', 'z', 'w', 's']);
  const [X, Y, Z, W, S, DOT, E] = [at.x, at.y, at.z, at.w, at.s, at.dot, at.e];
  const half = (p: (v: number) => number[]) => [...p(X), ...p(Y), ...F64X2_MUL, ...p(Z), ...p(W), ...F64X2_MUL, ...F64X2_ADD, ...set(S), ...addLanes(DOT, S)];
  const step = [
    ...load(plus(at.qi, E)),
    ...set(X),
    ...load(plus(at.ki, E)),
    ...set(Y),
    ...load(plus(at.qc, E)),
    ...set(Z),
    ...load(plus(at.kc, E)),
    ...set(W),
    ...half(promoteLow),
    ...half(promoteHigh),
  ];
  const column = [
    ...rowAt(IA, idAt(CI), A4),
    ...set(at.ki),
    ...rowAt(CA, idAt(CC), A4),
    ...set(at.kc),
    ...f64Const(0),
    ...set(DOT),
    ...lanes(E, at.f, A4, step),
    ...get(DOT),
    ...get(CS),
    ...F64_MUL,
    ...rowAt(BYPOS, idAt(CP), i32Const(8)),
    ...f64Load(),
    ...F64_ADD,
    ...f64Const(MASKED),
    ...f64Const(0),
    ...idAt(CI),
    ...I32_EQZ,
    ...SELECT,
    ...F64_ADD,
    ...set(DOT),
    ...get(OUT),
    ...get(DOT),
    ...f64Store(),
    ...get(DOT),
    ...get(at.max),
    ...get(DOT),
    ...get(at.max),
    ...F64_GT,
    ...SELECT,
    ...set(at.max),
    ...bump(OUT, i32Const(8)),
    ...advance([CI, CC, CP], at.c),
  ];
  const row = [
    ...targetRows(at, [IA, CA], [TI, TC], A4),
    ...f64Const(-Infinity),
    ...set(at.max),
    ...i32Const(0),
    ...set(at.c),
    ...whileLess(get(at.c), get(N), column),
    ...get(MAX),
    ...get(at.max),
    ...f64Store(),
    ...bump(MAX, i32Const(8)),
    ...advance([TI, TC], at.r),
  ];
  return funcBody(decl, [...i32Const(0), ...set(at.r), ...whileLess(get(at.r), get(ROWS), row)]);
}

/**
 * headGrad(rows, d4, tItems, tCats, itemR, catR, pooled, dF, dP, dT): from the features' gradient dF
 * (rows x 6 d float32: target, pooled, target * pooled), the pooled and target representations'
 * gradients (rows x 2 d float64): dP = dF_pooled + dF_product * target, dT = dF_target + dF_product * pooled.
 */
function headGradBody(): number[] {
  const [ROWS, D4, TI, TC, IR, CR, POOLED, DF, DP, DT] = Array.from({ length: 10 }, (_, i) => i);
  const { at, decl } = frame(10, ['r', 'e', 'f', 'fr', 'xp', 'f0', 'f2', 'f4', 'yp', 'tp', 'qp', 'pr'], [], ['x', 'd0', 'd2', 'd4']);
  const [E, F, X] = [at.e, at.f, at.x];
  const blocks = (base: number, k: number) => [...get(base), ...i32Const(k), ...get(D4), ...I32_MUL, ...I32_ADD];
  /** dst pair = promote(a) + promote(b) * y, lanes (lo: 0, 1; hi: 2, 3). */
  const pair = (dst: number, offset: number, a: number, b: number, y: number[], p: (v: number) => number[]) => [
    ...plus(dst, F),
    ...p(a),
    ...p(b),
    ...y,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...v128Store(offset),
  ];
  const field = (j: number, table: number, id: number) => [
    ...rowAt(table, idAt(id), D4),
    ...set(at.xp),
    ...blocks(at.fr, j),
    ...set(at.f0),
    ...blocks(at.fr, 2 + j),
    ...set(at.f2),
    ...blocks(at.fr, 4 + j),
    ...set(at.f4),
    ...blocks(at.pr, 2 * j),
    ...set(at.yp),
    ...blocks(DT, 2 * j),
    ...set(at.tp),
    ...blocks(DP, 2 * j),
    ...set(at.qp),
    ...lanes(E, F, D4, [
      ...load(plus(at.xp, E)),
      ...set(X),
      ...load(plus(at.f0, E)),
      ...set(at.d0),
      ...load(plus(at.f2, E)),
      ...set(at.d2),
      ...load(plus(at.f4, E)),
      ...set(at.d4),
      ...pair(at.tp, 0, at.d0, at.d4, load(plus(at.yp, F)), promoteLow),
      ...pair(at.tp, 16, at.d0, at.d4, load(plus(at.yp, F), 16), promoteHigh),
      ...pair(at.qp, 0, at.d2, at.d4, promoteLow(X), promoteLow),
      ...pair(at.qp, 16, at.d2, at.d4, promoteHigh(X), promoteHigh),
    ]),
  ];
  const row = [
    ...field(0, IR, TI),
    ...field(1, CR, TC),
    ...bump(at.fr, [...get(D4), ...i32Const(6), ...I32_MUL]),
    ...bump(at.pr, [...get(D4), ...i32Const(4), ...I32_MUL]),
    ...bump(DP, [...get(D4), ...i32Const(4), ...I32_MUL]),
    ...bump(DT, [...get(D4), ...i32Const(4), ...I32_MUL]),
    ...advance([TI, TC], at.r),
  ];
  return funcBody(decl, [...get(DF), ...set(at.fr), ...get(POOLED), ...set(at.pr), ...i32Const(0), ...set(at.r), ...whileLess(get(at.r), get(ROWS), row)]);
}

/**
 * pool(rows, n, d4, cItems, cCats, weights, itemR, catR, pooled, tItems, tCats, features):
 * pooled[r] = [sum_c w_c itemR[i_c], sum_c w_c catR[k_c]] (rows x 2 d float64), columns of weight 0
 * skipped; features[r] = [target, pooled, target * pooled] (rows x 6 d float32), target = [itemR[t],
 * catR[t']].
 */
function poolBody(): number[] {
  const [ROWS, N, D4, CI, CC, WT, IR, CR, POOLED, TI, TC, FEAT] = Array.from({ length: 12 }, (_, i) => i);
  const { at, decl } = frame(12, ['r', 'c', 'ki', 'kc', 'e', 'f', 'pi', 'pc', 'end', 'q0', 'q1', 'q2', 'q3', 'q4', 'q5'], ['w'], ['ws', 'x']);
  const q = [at.q0, at.q1, at.q2, at.q3, at.q4, at.q5];
  const [E, F, X, WS] = [at.e, at.f, at.x, at.ws];
  const half = (k: number, p: number) => [
    ...load(plus(k, E)),
    ...set(X),
    ...addPair(plus(p, F), 0, times(WS, promoteLow(X))),
    ...addPair(plus(p, F), 16, times(WS, promoteHigh(X))),
  ];
  /** Field j's target x (float32), pooled y (float64, rounded) and x y (rounded) into features. */
  const pair = (p: number, op: (y: number[]) => number[]) => [
    ...op(load(plus(p, F))),
    ...F32X4_DEMOTE,
    ...op(load(plus(p, F), 16)),
    ...F32X4_DEMOTE,
    ...LOW_PAIRS,
  ];
  const feature = (k: number, p: number, j: number) => [
    ...load(plus(k, E)),
    ...set(X),
    ...plus(q[j], E),
    ...get(X),
    ...v128Store(),
    ...plus(q[2 + j], E),
    ...pair(p, (y) => y),
    ...v128Store(),
    ...plus(q[4 + j], E),
    ...promoteLow(X),
    ...load(plus(p, F)),
    ...F64X2_MUL,
    ...F32X4_DEMOTE,
    ...promoteHigh(X),
    ...load(plus(p, F), 16),
    ...F64X2_MUL,
    ...F32X4_DEMOTE,
    ...LOW_PAIRS,
    ...v128Store(),
  ];
  const column = [
    ...get(WT),
    ...f64Load(),
    ...set(at.w),
    ...ifElse(
      [...get(at.w), ...f64Const(0), ...F64_NE],
      [
        ...get(at.w),
        ...F64X2_SPLAT,
        ...set(WS),
        ...rowAt(IR, idAt(CI), D4),
        ...set(at.ki),
        ...rowAt(CR, idAt(CC), D4),
        ...set(at.kc),
        ...lanes(E, F, D4, [...half(at.ki, at.pi), ...half(at.kc, at.pc)]),
      ],
    ),
    ...bump(WT, i32Const(8)),
    ...advance([CI, CC], at.c),
  ];
  const row = [
    // The row's pooled item half at pi, its category half 2 d4 bytes on; both zeroed first.
    ...twoWidthsOn(at.pi, D4, at.pc),
    ...twoWidthsOn(at.pc, D4, at.end),
    ...get(at.pi),
    ...set(F),
    ...whileLess(get(F), get(at.end), [...get(F), ...V128_ZERO, ...v128Store(), ...bump(F, i32Const(16))]),
    ...i32Const(0),
    ...set(at.c),
    ...whileLess(get(at.c), get(N), column),
    // q0..q5: the row's six blocks of features, d4 bytes each.
    ...q.slice(1).flatMap((l, j) => [...get(q[j]), ...get(D4), ...I32_ADD, ...set(l)]),
    ...rowAt(IR, idAt(TI), D4),
    ...set(at.ki),
    ...rowAt(CR, idAt(TC), D4),
    ...set(at.kc),
    ...lanes(E, F, D4, [...feature(at.ki, at.pi, 0), ...feature(at.kc, at.pc, 1)]),
    ...get(at.q5),
    ...get(D4),
    ...I32_ADD,
    ...set(at.q0),
    ...get(at.end),
    ...set(at.pi),
    ...advance([TI, TC], at.r),
  ];
  return funcBody(decl, [...get(POOLED), ...set(at.pi), ...get(FEAT), ...set(at.q0), ...i32Const(0), ...set(at.r), ...whileLess(get(at.r), get(ROWS), row)]);
}

/**
 * poolGrad(rows, n, d4, tItems, tCats, cItems, cCats, weights, dP, dT, itemR, catR, gItemR, gCatR, dW):
 * per kept column (not padding) dW = dP . [itemR[i], catR[k]] term by term, gItemR[i] += w dP[:d],
 * gCatR[k] += w dP[d:]; per row, after its columns, gItemR[target] += dT[:d], gCatR[target] += dT[d:].
 * dP and dT: rows x 2 d float64.
 */
function poolGradBody(): number[] {
  const [ROWS, N, D4, TI, TC, CI, CC, WT, DP, DT, IR, CR, GIR, GCR, DW] = Array.from({ length: 15 }, (_, i) => i);
  const { at, decl } = frame(15, ['r', 'c', 'hi', 'hc', 'e', 'f', 'pi', 'pc', 'ti', 'tc', 'step'], ['g'], ['ws', 'x', 'y', 'old', 's', 'd0', 'd1', 'e0', 'e1']);
  const [E, F, G, WS, X, Y, OLD, S] = [at.e, at.f, at.g, at.ws, at.x, at.y, at.old, at.s];
  const [D0, D1, E0, E1] = [at.d0, at.d1, at.e0, at.e1];
  const both = (d: number, x: (v: number) => number[], e: number, y: (v: number) => number[]) => [
    ...get(d),
    ...x(X),
    ...F64X2_MUL,
    ...get(e),
    ...y(Y),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(S),
    ...addLanes(G, S),
  ];
  const step = [
    ...load(plus(at.hi, E)),
    ...set(X),
    ...load(plus(at.hc, E)),
    ...set(Y),
    ...load(plus(at.pi, F)),
    ...set(D0),
    ...load(plus(at.pi, F), 16),
    ...set(D1),
    ...load(plus(at.pc, F)),
    ...set(E0),
    ...load(plus(at.pc, F), 16),
    ...set(E1),
    ...both(D0, promoteLow, E0, promoteLow),
    ...both(D1, promoteHigh, E1, promoteHigh),
    ...accumulate(plus(at.ti, E), OLD, times(WS, get(D0)), times(WS, get(D1))),
    ...accumulate(plus(at.tc, E), OLD, times(WS, get(E0)), times(WS, get(E1))),
  ];
  // hi, hc: the column's table rows; ti, tc: its gradient rows.
  const column = ifElse(
    [...idAt(CI), ...I32_EQZ],
    [...get(DW), ...f64Const(0), ...f64Store()],
    [
      ...get(WT),
      ...f64Load(),
      ...F64X2_SPLAT,
      ...set(WS),
      ...rowAt(IR, idAt(CI), D4),
      ...set(at.hi),
      ...rowAt(CR, idAt(CC), D4),
      ...set(at.hc),
      ...rowAt(GIR, idAt(CI), D4),
      ...set(at.ti),
      ...rowAt(GCR, idAt(CC), D4),
      ...set(at.tc),
      ...f64Const(0),
      ...set(G),
      ...lanes(E, F, D4, step),
      ...get(DW),
      ...get(G),
      ...f64Store(),
    ],
  );
  const target = [
    ...rowAt(GIR, idAt(TI), D4),
    ...set(at.ti),
    ...rowAt(GCR, idAt(TC), D4),
    ...set(at.tc),
    ...lanes(E, F, D4, [
      ...accumulate(plus(at.ti, E), OLD, load(plus(at.pi, F)), load(plus(at.pi, F), 16)),
      ...accumulate(plus(at.tc, E), OLD, load(plus(at.pc, F)), load(plus(at.pc, F), 16)),
    ]),
  ];
  // step: bytes of a row of dP (2 d float64 = 4 d4).
  const rowPointers = (base: number) => [...rowAt(base, get(at.r), at.step), ...set(at.pi), ...twoWidthsOn(at.pi, D4, at.pc)];
  const row = [
    ...rowPointers(DP),
    ...i32Const(0),
    ...set(at.c),
    ...whileLess(get(at.c), get(N), [...column, ...bump(WT, i32Const(8)), ...bump(DW, i32Const(8)), ...advance([CI, CC], at.c)]),
    ...rowPointers(DT),
    ...target,
    ...advance([TI, TC], at.r),
  ];
  return funcBody(decl, [...get(D4), ...i32Const(4), ...I32_MUL, ...set(at.step), ...i32Const(0), ...set(at.r), ...whileLess(get(at.r), get(ROWS), row)]);
}

/**
 * attnGrad(rows, n, a4, tItems, tCats, cItems, cCats, cPositions, dLogit, contentScale, positionScale,
 * itemA, catA, pos, gItemA, gCatA, gPos, dQ): per kept column with dLogit != 0, g = dl contentScale,
 * gp = dl positionScale: dQ += g [itemA[i], catA[k]], gItemA[i] += g q_I, gCatA[k] += g q_C,
 * gPos[p] += gp pos[0], gPos[0] += gp pos[p]; per row, after its columns, the target rows get dQ.
 * dQ: 2 a float64 of scratch.
 */
function attnGradBody(): number[] {
  const [ROWS, N, A4, TI, TC, CI, CC, CP, DL, CS, PS, IA, CA, POS, GIA, GCA, GPOS, DQ] = Array.from({ length: 18 }, (_, i) => i);
  const { at, decl } = frame(18, ['r', 'c', 'qi', 'qc', 'ki', 'kc', 'gi', 'gc', 'pp', 'gp', 'e', 'f', 'dqc', 'end'], ['dl'], ['g', 'gpos', 'x', 'old']);
  const [E, F, X, OLD, G, GP] = [at.e, at.f, at.x, at.old, at.g, at.gpos];
  const read = (table: number) => [...load(plus(table, E)), ...set(X)];
  const step = [
    ...read(at.ki),
    ...addPair(plus(DQ, F), 0, times(G, promoteLow(X))),
    ...addPair(plus(DQ, F), 16, times(G, promoteHigh(X))),
    ...read(at.kc),
    ...addPair(plus(at.dqc, F), 0, times(G, promoteLow(X))),
    ...addPair(plus(at.dqc, F), 16, times(G, promoteHigh(X))),
    ...read(at.qi),
    ...accumulate(plus(at.gi, E), OLD, times(G, promoteLow(X)), times(G, promoteHigh(X))),
    ...read(at.qc),
    ...accumulate(plus(at.gc, E), OLD, times(G, promoteLow(X)), times(G, promoteHigh(X))),
  ];
  const positionStep = [
    ...read(POS),
    ...accumulate(plus(at.gp, E), OLD, times(GP, promoteLow(X)), times(GP, promoteHigh(X))),
    ...read(at.pp),
    ...accumulate(plus(GPOS, E), OLD, times(GP, promoteLow(X)), times(GP, promoteHigh(X))),
  ];
  const column = [
    ...get(DL),
    ...f64Load(),
    ...set(at.dl),
    ...ifElse(
      [...get(at.dl), ...f64Const(0), ...F64_NE],
      [
        ...get(at.dl),
        ...get(CS),
        ...F64_MUL,
        ...F64X2_SPLAT,
        ...set(G),
        ...get(at.dl),
        ...get(PS),
        ...F64_MUL,
        ...F64X2_SPLAT,
        ...set(GP),
        ...rowAt(IA, idAt(CI), A4),
        ...set(at.ki),
        ...rowAt(CA, idAt(CC), A4),
        ...set(at.kc),
        ...rowAt(GIA, idAt(CI), A4),
        ...set(at.gi),
        ...rowAt(GCA, idAt(CC), A4),
        ...set(at.gc),
        ...rowAt(POS, idAt(CP), A4),
        ...set(at.pp),
        ...rowAt(GPOS, idAt(CP), A4),
        ...set(at.gp),
        ...lanes(E, F, A4, step),
        ...lanes(E, F, A4, positionStep),
      ],
    ),
    ...bump(DL, i32Const(8)),
    ...advance([CI, CC, CP], at.c),
  ];
  const row = [
    ...targetRows(at, [IA, CA], [TI, TC], A4),
    ...get(DQ),
    ...set(F),
    ...whileLess(get(F), get(at.end), [...get(F), ...V128_ZERO, ...v128Store(), ...bump(F, i32Const(16))]),
    ...i32Const(0),
    ...set(at.c),
    ...whileLess(get(at.c), get(N), column),
    ...rowAt(GIA, idAt(TI), A4),
    ...set(at.gi),
    ...rowAt(GCA, idAt(TC), A4),
    ...set(at.gc),
    ...lanes(E, F, A4, [
      ...accumulate(plus(at.gi, E), OLD, load(plus(DQ, F)), load(plus(DQ, F), 16)),
      ...accumulate(plus(at.gc, E), OLD, load(plus(at.dqc, F)), load(plus(at.dqc, F), 16)),
    ]),
    ...advance([TI, TC], at.r),
  ];
  // dqc: dQ's category half, 2 a4 bytes on; end: the end of dQ.
  const setup = [...twoWidthsOn(DQ, A4, at.dqc), ...twoWidthsOn(at.dqc, A4, at.end)];
  return funcBody(decl, [...setup, ...i32Const(0), ...set(at.r), ...whileLess(get(at.r), get(ROWS), row)]);
}

/** addTo(into, from, bytes): into[i] += from[i], float32 (a multiple of 4 values). */
function addToBody(): number[] {
  const [INTO, FROM, BYTES] = [0, 1, 2];
  const { at, decl } = frame(3, ['e'], [], []);
  return funcBody(decl, [
    ...i32Const(0),
    ...set(at.e),
    ...whileLess(get(at.e), get(BYTES), [
      ...plus(INTO, at.e),
      ...load(plus(INTO, at.e)),
      ...load(plus(FROM, at.e)),
      ...F32X4_ADD,
      ...v128Store(),
      ...bump(at.e, i32Const(16)),
    ]),
  ]);
}

const moduleBytes = () =>
  assembleModule(
    [
      { name: 'logits', params: [...new Array<number>(13).fill(I32), F64], body: logitsBody() },
      { name: 'headGrad', params: new Array<number>(10).fill(I32), body: headGradBody() },
      { name: 'pool', params: new Array<number>(12).fill(I32), body: poolBody() },
      { name: 'poolGrad', params: new Array<number>(15).fill(I32), body: poolGradBody() },
      { name: 'addTo', params: [I32, I32, I32], body: addToBody() },
      { name: 'attnGrad', params: [...new Array<number>(9).fill(I32), F64, F64, ...new Array<number>(7).fill(I32)], body: attnGradBody() },
    ],
    false,
  );

type Exports = Record<'logits' | 'headGrad' | 'pool' | 'poolGrad' | 'attnGrad' | 'addTo', (...args: number[]) => void>;

/** A batch's arrays in the kernel's memory (views valid until the next layout). Tables and gradients in AttentionTables' role order. */
export interface AttentionMemory {
  rows: number;
  /** Kept columns per row. */
  n: number;
  a: number;
  d: number;
  targetItems: Int32Array;
  targetCategories: Int32Array;
  /** rows x n: each kept column's item, category and target-relative position. */
  columnItems: Int32Array;
  columnCategories: Int32Array;
  columnPositions: Int32Array;
  /** The five tables' copies (roles holding one table share one copy). */
  tables: Float32Array[];
  /** (pos_0 . pos_p) / sqrt(a) for p = 0..L, float64: logits reads it. */
  byPosition: Float64Array;
  /** rows x n float64: logits' output; the weights before masking and after; the weights' and logits' gradients. */
  logits: Float64Array;
  prob: Float64Array;
  weight: Float64Array;
  dWeight: Float64Array;
  dLogit: Float64Array;
  /** rows float64: each row's largest logit. */
  rowMax: Float64Array;
  /** rows x 6 d float32: pool's features; the features' gradient, headGrad reads it. */
  features: Float32Array;
  dFeatures: Float32Array;
  /** rows x 2 d float64: pool's pooled representation; its and the target representation's gradients. */
  pooled: Float64Array;
  dPooled: Float64Array;
  dTarget: Float64Array;
  /** The five tables' gradients (not cleared by layout). */
  grads: Float32Array[];
}

export interface AttentionKernel {
  /** Lays out a batch (rows x n kept columns) for `holder`, with `tables` (five roles, a and d wide) copied in. */
  layout(holder: object, rows: number, n: number, a: number, d: number, tables: Float32Array[]): AttentionMemory;
  /** The layout while `holder` made the last one, else null (another layout has overwritten it). */
  layoutOf(holder: object): AttentionMemory | null;
  logits(contentScale: number): void;
  pool(): void;
  headGrad(): void;
  poolGrad(): void;
  attnGrad(contentScale: number, positionScale: number): void;
  /** Role `from`'s gradient added into role `into`'s (float32 addition, as tf.add; the same table size). */
  addGradient(into: number, from: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let shared: AttentionKernel | null | undefined;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The kernel, or null where WebAssembly SIMD is unavailable (fusedAttention.ts keeps its JS loops). */
export function wasmAttentionKernel(): AttentionKernel | null {
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
  // Byte addresses of the current layout, by name.
  let at: Record<string, number> = {};
  let tableAt: number[] = [];
  let gradAt: number[] = [];
  let m: AttentionMemory | null = null;
  let owner: object | null = null;
  const kernel: AttentionKernel = {
    layoutOf: (holder) => (holder === owner ? m : null),
    layout(holder, rows, n, a, d, tables) {
      if (a % 4 !== 0 || d % 4 !== 0) throw new RangeError(`the kernel needs widths that are multiples of 4, got ${a} and ${d}`);
      let end = 0;
      const take = (bytes: number) => {
        const start = end;
        end += align16(bytes);
        return start;
      };
      const distinct = [...new Set(tables)];
      const copyAt = distinct.map((t) => take(t.length * 4));
      tableAt = tables.map((t) => copyAt[distinct.indexOf(t)]);
      gradAt = tables.map((t) => take(t.length * 4));
      at = {};
      for (const name of ['targetItems', 'targetCategories']) at[name] = take(rows * 4);
      for (const name of ['columnItems', 'columnCategories', 'columnPositions']) at[name] = take(rows * n * 4);
      for (const name of ['logits', 'prob', 'weight', 'dWeight', 'dLogit']) at[name] = take(rows * n * 8);
      const positions = tables[2].length / a;
      at.byPosition = take(positions * 8);
      at.rowMax = take(rows * 8);
      at.dFeatures = take(rows * 6 * d * 4);
      for (const name of ['pooled', 'dPooled', 'dTarget']) at[name] = take(rows * 2 * d * 8);
      at.dQ = take(2 * a * 8);
      at.features = take(rows * 6 * d * 4);
      if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
      const buffer = mem.buffer;
      const f32 = (address: number, length: number) => new Float32Array(buffer, address, length);
      const f64 = (name: string, length: number) => new Float64Array(buffer, at[name], length);
      const i32 = (name: string, length: number) => new Int32Array(buffer, at[name], length);
      distinct.forEach((t, i) => f32(copyAt[i], t.length).set(t));
      const grads = tables.map((t, i) => f32(gradAt[i], t.length));
      m = {
        rows,
        n,
        a,
        d,
        targetItems: i32('targetItems', rows),
        targetCategories: i32('targetCategories', rows),
        columnItems: i32('columnItems', rows * n),
        columnCategories: i32('columnCategories', rows * n),
        columnPositions: i32('columnPositions', rows * n),
        tables: tables.map((t, i) => f32(tableAt[i], t.length)),
        byPosition: f64('byPosition', positions),
        logits: f64('logits', rows * n),
        rowMax: f64('rowMax', rows),
        dFeatures: f32(at.dFeatures, rows * 6 * d),
        prob: f64('prob', rows * n),
        weight: f64('weight', rows * n),
        dWeight: f64('dWeight', rows * n),
        dLogit: f64('dLogit', rows * n),
        pooled: f64('pooled', rows * 2 * d),
        dPooled: f64('dPooled', rows * 2 * d),
        dTarget: f64('dTarget', rows * 2 * d),
        features: f32(at.features, rows * 6 * d),
        grads,
      };
      owner = holder;
      return m;
    },
    logits(contentScale) {
      const { rows, n, a } = m!;
      ex.logits(
        rows,
        n,
        a * 4,
        at.targetItems,
        at.targetCategories,
        at.columnItems,
        at.columnCategories,
        at.columnPositions,
        tableAt[0],
        tableAt[1],
        at.byPosition,
        at.logits,
        at.rowMax,
        contentScale,
      );
    },
    headGrad() {
      const { rows, d } = m!;
      ex.headGrad(rows, d * 4, at.targetItems, at.targetCategories, tableAt[3], tableAt[4], at.pooled, at.dFeatures, at.dPooled, at.dTarget);
    },
    pool() {
      const { rows, n, d } = m!;
      ex.pool(
        rows,
        n,
        d * 4,
        at.columnItems,
        at.columnCategories,
        at.weight,
        tableAt[3],
        tableAt[4],
        at.pooled,
        at.targetItems,
        at.targetCategories,
        at.features,
      );
    },
    poolGrad() {
      const { rows, n, d } = m!;
      ex.poolGrad(
        rows,
        n,
        d * 4,
        at.targetItems,
        at.targetCategories,
        at.columnItems,
        at.columnCategories,
        at.weight,
        at.dPooled,
        at.dTarget,
        tableAt[3],
        tableAt[4],
        gradAt[3],
        gradAt[4],
        at.dWeight,
      );
    },
    addGradient(into, from) {
      ex.addTo(gradAt[into], gradAt[from], m!.grads[into].length * 4);
    },
    attnGrad(contentScale, positionScale) {
      const { rows, n, a } = m!;
      ex.attnGrad(
        rows,
        n,
        a * 4,
        at.targetItems,
        at.targetCategories,
        at.columnItems,
        at.columnCategories,
        at.columnPositions,
        at.dLogit,
        contentScale,
        positionScale,
        tableAt[0],
        tableAt[1],
        tableAt[2],
        gradAt[0],
        gradAt[1],
        gradAt[2],
        at.dQ,
      );
    },
  };
  return (shared = kernel);
}
