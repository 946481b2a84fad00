/**
 * MMoE's mix of E experts by a task's softmax gate and its backward as wasm kernels (WebAssembly,
 * SIMD where the sums allow):
 * - 'ReclensExpertMix': mix = sum_e w[:, e] * expert_e, added from +0 in expert order (tf.addN's);
 * - 'ReclensExpertGateBackward': from dmix, dw[:, e] = sum_h expert_e * dmix (added from +0 along
 *   h, as tf.sum) and the softmax's dz = dw w - (sum_e dw w) w;
 * - 'ReclensExpertCotangents': every task's d expert_e = dmix_k * w_k[:, e], written stacked by
 *   tasks as the trunk's backward reads them (no concat); given the experts' ReLU outputs, times
 *   their step too (the last layer's dz, in place of a stackedReluBackward per expert).
 * tfjs's ops took ~11 kernels forward and ~14 backward per task (the gate's columns by transpose,
 * unstack and expandDims, broadcast multiplies on their slow path, a sum and a stack) and a concat
 * per expert; these are the same float32 operations in the same order, so the same bits. Other
 * backends, wasm without SIMD and widths that are no multiple of 4 get the tensor ops (the
 * *Composed functions).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';
import { stackedReluBackward } from './stackedReluBackwardKernel.ts';
import {
  F32,
  F32_ADD,
  F32_LOAD,
  F32_MUL,
  F32_STORE,
  F32_SUB,
  f32Const,
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  funcBody,
  get,
  I32,
  I32_ADD,
  I32_MUL,
  i32Const,
  instantiateOverMemory,
  set,
  simd,
  stepOf,
  V128,
  V128_LOAD,
  V128_STORE,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';

const FORWARD = 'ReclensExpertMix';
const GATE_BACKWARD = 'ReclensExpertGateBackward';
const COTANGENTS = 'ReclensExpertCotangents';

/** (bytes, rowBytes, w, ...addresses): bodies below; rowBytes a multiple of 16. */
type MixWasm = (...args: number[]) => void;

const add = (a: number[], b: number[]) => [...a, ...b, ...I32_ADD];

/**
 * Forward over E experts. Locals after the 4 + E params: P (byte offset in a row-major B x H
 * tensor), END (of the row), WROW (address of the row's gate weights), ACC, then E splats.
 */
function forwardBody(E: number): number[] {
  const [TOTAL, ROW_BYTES, W, OUT] = [0, 1, 2, 3];
  const expert = (e: number) => 4 + e;
  const [P, END, WROW, ACC] = [4 + E, 5 + E, 6 + E, 7 + E];
  const splat = (e: number) => 8 + E + e;
  // prettier-ignore
  const inner = [
    ...V128_ZERO, ...set(ACC),
    ...Array.from({ length: E }, (_, e) => [...get(ACC), ...get(splat(e)), ...add(get(expert(e)), get(P)), ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD, ...set(ACC)]).flat(),
    ...add(get(OUT), get(P)), ...get(ACC), ...V128_STORE,
    ...get(P), ...i32Const(16), ...I32_ADD, ...set(P),
  ];
  // prettier-ignore
  const row = [
    ...Array.from({ length: E }, (_, e) => [...add(get(WROW), i32Const(4 * e)), ...F32_LOAD, ...F32X4_SPLAT, ...set(splat(e))]).flat(),
    ...add(get(P), get(ROW_BYTES)), ...set(END),
    ...whileLess(get(P), get(END), inner),
    ...add(get(WROW), i32Const(4 * E)), ...set(WROW),
  ];
  return funcBody(
    [
      [3, I32],
      [1 + E, V128],
    ],
    [...get(W), ...set(WROW), ...whileLess(get(P), get(TOTAL), row)],
  );
}

/**
 * The gate's backward over E experts: dz from dmix. Params: total bytes, rowBytes, w, dmix, dz, E
 * experts. Locals: P, END, WROW, D (a dmix scalar), S (the softmax's sum), then per expert its dw
 * accumulator and its dw w.
 */
function gateBackwardBody(E: number): number[] {
  const [TOTAL, ROW_BYTES, W, DMIX, DZ] = [0, 1, 2, 3, 4];
  const expert = (e: number) => 5 + e;
  const [P, END, WROW, D, S] = [5 + E, 6 + E, 7 + E, 8 + E, 9 + E];
  const acc = (e: number) => 10 + E + e;
  const dwy = (e: number) => 10 + 2 * E + e;
  const wOf = (e: number) => [...add(get(WROW), i32Const(4 * e)), ...F32_LOAD];
  // dw[:, e] += expert_e * dmix, one h at a time (tf.sum's order).
  // prettier-ignore
  const sum = [
    ...add(get(DMIX), get(P)), ...F32_LOAD, ...set(D),
    ...Array.from({ length: E }, (_, e) => [...get(acc(e)), ...add(get(expert(e)), get(P)), ...F32_LOAD, ...get(D), ...F32_MUL, ...F32_ADD, ...set(acc(e))]).flat(),
    ...get(P), ...i32Const(4), ...I32_ADD, ...set(P),
  ];
  // prettier-ignore
  const row = [
    ...add(get(P), get(ROW_BYTES)), ...set(END),
    ...Array.from({ length: E }, (_, e) => [...f32Const(0), ...set(acc(e))]).flat(),
    ...whileLess(get(P), get(END), sum),
    // dwy_e = dw_e w_e; S = sum_e dwy_e from +0; dz_e = dwy_e - S w_e.
    ...f32Const(0), ...set(S),
    ...Array.from({ length: E }, (_, e) => [...get(acc(e)), ...wOf(e), ...F32_MUL, ...set(dwy(e)), ...get(S), ...get(dwy(e)), ...F32_ADD, ...set(S)]).flat(),
    ...Array.from({ length: E }, (_, e) => [...add(get(DZ), i32Const(4 * e)), ...get(dwy(e)), ...get(S), ...wOf(e), ...F32_MUL, ...F32_SUB, ...F32_STORE]).flat(),
    ...add(get(WROW), i32Const(4 * E)), ...set(WROW),
    ...add(get(DZ), i32Const(4 * E)), ...set(DZ),
  ];
  return funcBody(
    [
      [3, I32],
      [2 + 2 * E, F32],
    ],
    [...get(W), ...set(WROW), ...whileLess(get(P), get(TOTAL), row)],
  );
}

/** i8x16.shuffle of two f32x4 by float lanes (0-3 the first's, 4-7 the second's); f32x4.extract_lane. */
const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
const extractLane = (l: number) => [...simd(0x1f), l];

/**
 * gateBackwardBody four rows at a time: the products of a 4 x 4 block (4 rows, 4 h) transposed so
 * that each lane (a row) adds its h in order, as the scalar loop does. Params: groups of 4 rows,
 * rowBytes, w, dmix, dz, E experts. Locals: G, Q, R1..R3 (row offsets), WROW, S, per expert dwy,
 * then D0..D3, P0..P3, T0..T3 and per expert its accumulator.
 */
function gateBackward4Body(E: number): number[] {
  const [GROUPS, ROW_BYTES, W, DMIX, DZ] = [0, 1, 2, 3, 4];
  const expert = (e: number) => 5 + e;
  const [P, Q, END, R1, R2, R3, WROW] = Array.from({ length: 7 }, (_, i) => 5 + E + i);
  const S = 12 + E;
  const dwy = (e: number) => 13 + E + e;
  const v = 13 + 2 * E;
  const [D, PR, T] = [(r: number) => v + r, (r: number) => v + 4 + r, (r: number) => v + 8 + r];
  const acc = (e: number) => v + 12 + e;
  const rowOffset = (r: number) => (r === 0 ? [] : [...get([R1, R2, R3][r - 1]), ...I32_ADD]);
  const at = (base: number, r: number) => [...get(base), ...get(P), ...I32_ADD, ...rowOffset(r), ...get(Q), ...I32_ADD];
  // prettier-ignore
  const block = [
    ...[0, 1, 2, 3].flatMap((r) => [...at(DMIX, r), ...V128_LOAD, ...set(D(r))]),
    ...Array.from({ length: E }, (_, e) => [
      ...[0, 1, 2, 3].flatMap((r) => [...at(expert(e), r), ...V128_LOAD, ...get(D(r)), ...F32X4_MUL, ...set(PR(r))]),
      ...get(PR(0)), ...get(PR(1)), ...shuffle([0, 4, 1, 5]), ...set(T(0)),
      ...get(PR(0)), ...get(PR(1)), ...shuffle([2, 6, 3, 7]), ...set(T(1)),
      ...get(PR(2)), ...get(PR(3)), ...shuffle([0, 4, 1, 5]), ...set(T(2)),
      ...get(PR(2)), ...get(PR(3)), ...shuffle([2, 6, 3, 7]), ...set(T(3)),
      ...get(acc(e)), ...get(T(0)), ...get(T(2)), ...shuffle([0, 1, 4, 5]), ...F32X4_ADD,
      ...get(T(0)), ...get(T(2)), ...shuffle([2, 3, 6, 7]), ...F32X4_ADD,
      ...get(T(1)), ...get(T(3)), ...shuffle([0, 1, 4, 5]), ...F32X4_ADD,
      ...get(T(1)), ...get(T(3)), ...shuffle([2, 3, 6, 7]), ...F32X4_ADD, ...set(acc(e)),
    ]).flat(),
    ...get(Q), ...i32Const(16), ...I32_ADD, ...set(Q),
  ];
  const wOf = (e: number) => [...get(WROW), ...i32Const(4 * e), ...I32_ADD, ...F32_LOAD];
  // prettier-ignore
  const rowTail = (r: number) => [
    ...f32Const(0), ...set(S),
    ...Array.from({ length: E }, (_, e) => [...get(acc(e)), ...extractLane(r), ...wOf(e), ...F32_MUL, ...set(dwy(e)), ...get(S), ...get(dwy(e)), ...F32_ADD, ...set(S)]).flat(),
    ...Array.from({ length: E }, (_, e) => [...get(DZ), ...i32Const(4 * e), ...I32_ADD, ...get(dwy(e)), ...get(S), ...wOf(e), ...F32_MUL, ...F32_SUB, ...F32_STORE]).flat(),
    ...get(WROW), ...i32Const(4 * E), ...I32_ADD, ...set(WROW),
    ...get(DZ), ...i32Const(4 * E), ...I32_ADD, ...set(DZ),
  ];
  // prettier-ignore
  const group = [
    ...Array.from({ length: E }, (_, e) => [...V128_ZERO, ...set(acc(e))]).flat(),
    ...i32Const(0), ...set(Q),
    ...whileLess(get(Q), get(ROW_BYTES), block),
    ...[0, 1, 2, 3].flatMap(rowTail),
    ...get(P), ...get(R3), ...I32_ADD, ...get(ROW_BYTES), ...I32_ADD, ...set(P),
  ];
  // prettier-ignore
  const setup = [
    ...get(ROW_BYTES), ...set(R1), ...get(R1), ...get(ROW_BYTES), ...I32_ADD, ...set(R2), ...get(R2), ...get(ROW_BYTES), ...I32_ADD, ...set(R3),
    ...get(GROUPS), ...get(R3), ...get(ROW_BYTES), ...I32_ADD, ...I32_MUL, ...set(END),
    ...get(W), ...set(WROW),
  ];
  return funcBody(
    [
      [7, I32],
      [1 + E, F32],
      [12 + E, V128],
    ],
    [...setup, ...whileLess(get(P), get(END), group)],
  );
}

/**
 * One task's expert cotangents d expert_e = dmix * w[:, e], four lanes at a time, where masked then
 * times step(h_e) (the ReLU's backward, as a second multiply). Params: total bytes, rowBytes, w,
 * dmix, E d experts (each at its task's rows), where masked E expert outputs h_e. Locals: P, END,
 * WROW, then the dmix vector, per expert its splat of w, and an h vector.
 */
function cotangentsBody(E: number, masked: boolean): number[] {
  const [TOTAL, ROW_BYTES, W, DMIX] = [0, 1, 2, 3];
  const dExpert = (e: number) => 4 + e;
  const h = (e: number) => 4 + E + e;
  const params = masked ? 4 + 2 * E : 4 + E;
  const [P, END, WROW, DV] = [params, params + 1, params + 2, params + 3];
  const splat = (e: number) => params + 4 + e;
  const HV = params + 4 + E;
  const mask = (e: number) => (masked ? [...add(get(h(e)), get(P)), ...V128_LOAD, ...set(HV), ...stepOf(get(HV)), ...F32X4_MUL] : []);
  // prettier-ignore
  const scale = [
    ...add(get(DMIX), get(P)), ...V128_LOAD, ...set(DV),
    ...Array.from({ length: E }, (_, e) => [...add(get(dExpert(e)), get(P)), ...get(DV), ...get(splat(e)), ...F32X4_MUL, ...mask(e), ...V128_STORE]).flat(),
    ...get(P), ...i32Const(16), ...I32_ADD, ...set(P),
  ];
  // prettier-ignore
  const row = [
    ...add(get(P), get(ROW_BYTES)), ...set(END),
    ...Array.from({ length: E }, (_, e) => [...add(get(WROW), i32Const(4 * e)), ...F32_LOAD, ...F32X4_SPLAT, ...set(splat(e))]).flat(),
    ...whileLess(get(P), get(END), scale),
    ...add(get(WROW), i32Const(4 * E)), ...set(WROW),
  ];
  return funcBody(
    [
      [3, I32],
      [2 + E, V128],
    ],
    [...get(W), ...set(WROW), ...whileLess(get(P), get(TOTAL), row)],
  );
}

/** Per memory, the functions for E experts, made when first asked for. */
const modulesPerMemory = modulePerMemory((memory) => {
  const byExperts = new Map<number, Record<'forward' | 'gateBackward' | 'gateBackward4' | 'cotangents' | 'maskedCotangents', MixWasm> | null>();
  return (E: number) => {
    let fns = byExperts.get(E);
    if (fns === undefined) {
      const exports = instantiateOverMemory(memory, [
        { name: 'forward', params: Array<number>(4 + E).fill(I32), body: forwardBody(E) },
        { name: 'gateBackward', params: Array<number>(5 + E).fill(I32), body: gateBackwardBody(E) },
        { name: 'gateBackward4', params: Array<number>(5 + E).fill(I32), body: gateBackward4Body(E) },
        { name: 'cotangents', params: Array<number>(4 + E).fill(I32), body: cotangentsBody(E, false) },
        { name: 'maskedCotangents', params: Array<number>(4 + 2 * E).fill(I32), body: cotangentsBody(E, true) },
      ]);
      byExperts.set(
        E,
        (fns = exports
          ? {
              forward: exports.forward,
              gateBackward: exports.gateBackward,
              gateBackward4: exports.gateBackward4,
              cotangents: exports.cotangents,
              maskedCotangents: exports.maskedCotangents,
            }
          : null),
      );
    }
    return fns;
  };
});

const moduleOf = (backend: unknown, E: number) => modulesPerMemory(backend)?.(E) ?? null;

const addresses = (views: Float32Array[]) => views.map((v) => v.byteOffset);

function forwardKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const [w, ...experts] = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as WasmKernelBackend;
  const out = backend.makeOutput(experts[0].shape, 'float32');
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const [ws, outs, ...es] = [w, out, ...experts].map((t) => backend.typedArrayFromHeap(t));
  const [B, H] = out.shape;
  moduleOf(backend, experts.length)!.forward(4 * B * H, 4 * H, ws.byteOffset, outs.byteOffset, ...addresses(es));
  return out;
}

function gateBackwardKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const [dmix, w, ...experts] = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as WasmKernelBackend;
  const dz = backend.makeOutput(w.shape, 'float32');
  const [ds, ws, dzs, ...es] = [dmix, w, dz, ...experts].map((t) => backend.typedArrayFromHeap(t));
  const [B, H] = dmix.shape;
  const E = experts.length;
  const run = moduleOf(backend, E)!;
  // Rows in groups of 4 (SIMD), then the rest one by one.
  const groups = B >> 2;
  const done = 4 * groups;
  run.gateBackward4(groups, 4 * H, ws.byteOffset, ds.byteOffset, dzs.byteOffset, ...addresses(es));
  const rest = (view: Float32Array, width: number) => view.byteOffset + 4 * done * width;
  run.gateBackward(4 * (B - done) * H, 4 * H, rest(ws, E), rest(ds, H), rest(dzs, E), ...es.map((view) => rest(view, H)));
  return dz;
}

/** Inputs: T dmix, T gate weights, then where masked E expert outputs; outputs: per expert its T tasks' cotangents stacked by rows. */
function cotangentsKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const all = Object.values(args.inputs) as tf.TensorInfo[];
  const T = (args.attrs as unknown as { tasks: number }).tasks;
  const [B, H] = all[0].shape;
  const E = all[T].shape[1];
  const backend = args.backend as WasmKernelBackend;
  const outs = Array.from({ length: E }, () => backend.makeOutput([T * B, H], 'float32'));
  const [inViews, outViews] = [all, outs].map((ts) => ts.map((t) => backend.typedArrayFromHeap(t)));
  const masked = all.length > 2 * T;
  const fns = moduleOf(backend, E)!;
  const run = masked ? fns.maskedCotangents : fns.cotangents;
  const outputs = addresses(inViews.slice(2 * T));
  for (let k = 0; k < T; k++) {
    const rows = 4 * k * B * H;
    run(4 * B * H, 4 * H, inViews[T + k].byteOffset, inViews[k].byteOffset, ...outViews.map((v) => v.byteOffset + rows), ...outputs);
  }
  return outs;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const [kernelName, kernelFunc] of [
    [FORWARD, forwardKernel],
    [GATE_BACKWARD, gateBackwardKernel],
    [COTANGENTS, cotangentsKernel],
  ] as const)
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/** Whether the kernels run here for batch x E gate weights and E experts' batch x H outputs: wasm with SIMD, float32, H a multiple of 4. */
function kernelsRun(weights: readonly tf.Tensor2D[], others: readonly tf.Tensor2D[], E: number): boolean {
  install();
  if (tf.getBackend() !== 'wasm' || others.length === 0) return false;
  const [B, H] = others[0].shape;
  if (H % 4 !== 0 || weights.some((w) => w.dtype !== 'float32' || w.shape[0] !== B || w.shape[1] !== E)) return false;
  if (others.some((t) => t.dtype !== 'float32' || t.shape[0] !== B || t.shape[1] !== H)) return false;
  return moduleOf(tf.backend(), E) !== null;
}

/** The gate's columns w[:, e] as batch x 1 tensors: rows of w^T are contiguous slices. */
function gateColumns(weights: tf.Tensor2D): tf.Tensor2D[] {
  return tf.unstack(tf.transpose(weights)).map((c) => c.expandDims(1) as tf.Tensor2D);
}

/** sum_e w[:, e] expert_e by tensor ops (tf.addN of the products). */
export function expertMixComposed(weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): tf.Tensor2D {
  return tf.tidy(() => {
    const columns = gateColumns(weights);
    return tf.addN(experts.map((o, e) => tf.mul(o, columns[e]))) as tf.Tensor2D;
  });
}

/** dz of the gate's softmax input from the mix's cotangent dmix, by tensor ops. */
export function expertGateBackwardComposed(dmix: tf.Tensor2D, weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): tf.Tensor2D {
  return tf.tidy(() => {
    const dw = tf.stack(
      experts.map((o) => tf.sum(tf.mul(o, dmix), 1)),
      1,
    );
    const dwy = tf.mul(dw, weights);
    return tf.sub(dwy, tf.mul(tf.sum(dwy, 1, true), weights)) as tf.Tensor2D;
  });
}

/** Per expert e, every task k's dmix_k * w_k[:, e] stacked by rows (task k's are rows kB..(k+1)B), by tensor ops. */
export function expertCotangentsComposed(dmix: readonly tf.Tensor2D[], weights: readonly tf.Tensor2D[]): tf.Tensor2D[] {
  return tf.tidy(() => {
    const perTask = dmix.map((d, k) => gateColumns(weights[k]).map((c) => tf.mul(d, c) as tf.Tensor2D));
    return perTask[0].map((_, e) =>
      perTask.length === 1
        ? perTask[0][e]
        : (tf.concat(
            perTask.map((t) => t[e]),
            0,
          ) as tf.Tensor2D),
    );
  });
}

const named = (ts: readonly tf.Tensor[]) => Object.fromEntries(ts.map((t, j) => [`i${j}`, t]));

/** sum_e w[:, e] expert_e (weights batch x E, each expert batch x H): the kernel where it runs. */
export function expertMix(weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): tf.Tensor2D {
  if (!kernelsRun([weights], experts, experts.length)) return expertMixComposed(weights, experts);
  return tf.engine().runKernel(FORWARD, named([weights, ...experts])) as tf.Tensor2D;
}

/** From the mix's cotangent dmix, dz of the gate's softmax input: dz = dw w - (sum_e dw w) w with dw[:, e] = sum_h expert_e dmix. */
export function expertGateBackward(dmix: tf.Tensor2D, weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): tf.Tensor2D {
  if (!kernelsRun([weights], [dmix, ...experts], experts.length)) return expertGateBackwardComposed(dmix, weights, experts);
  return tf.engine().runKernel(GATE_BACKWARD, named([dmix, weights, ...experts])) as tf.Tensor2D;
}

/**
 * The experts' cotangents from T tasks' mixes (dmix[k] and weights[k] task k's): per expert e, the
 * T * batch x H stack of dmix_k * w_k[:, e], written where the trunk's backward reads them. Given
 * the experts' outputs h_e = relu(z_e), each times step(h_e) as well: the cotangents of z_e, the bits
 * of stackedReluBackward on the unmasked ones (one kernel fewer per expert).
 */
export function expertCotangents(dmix: readonly tf.Tensor2D[], weights: readonly tf.Tensor2D[], reluOutputs?: readonly tf.Tensor2D[]): tf.Tensor2D[] {
  const E = weights[0].shape[1];
  if (!kernelsRun(weights, [...dmix, ...(reluOutputs ?? [])], E)) {
    const unmasked = expertCotangentsComposed(dmix, weights);
    if (!reluOutputs) return unmasked;
    const out = unmasked.map((d, e) => stackedReluBackward(d, reluOutputs[e]));
    tf.dispose(unmasked);
    return out;
  }
  const inputs = named([...dmix, ...weights, ...(reluOutputs ?? [])]);
  return tf.engine().runKernel(COTANGENTS, inputs, { tasks: dmix.length }) as unknown as tf.Tensor2D[];
}
