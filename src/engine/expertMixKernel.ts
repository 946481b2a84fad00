/**
 * MMoE's mix of E experts by a task's softmax gate, forward ('ReclensExpertMix') and backward
 * ('ReclensExpertMixBackward'), one kernel each on wasm (WebAssembly, SIMD where the sums allow).
 *
 * Forward: mix = sum_e w[:, e] * expert_e, added from +0 in expert order (as tf.addN of the products).
 * Backward from dmix: d expert_e = dmix * w[:, e]; dw[:, e] = sum_h expert_e * dmix (added from +0
 * along h, as tf.sum); the softmax's dz = dw w - (sum_e dw w) w. tfjs's ops took ~11 kernels forward
 * and ~14 backward per task (the gate's columns by transpose, unstack and expandDims, a broadcast
 * multiply per expert, a sum and a stack); these are the same float32 operations in the same order,
 * so the same bits. Other backends, wasm without SIMD and widths that are no multiple of 4 get the
 * tensor ops (expertMixComposed, expertMixBackwardComposed).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';
import {
  F32,
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  funcBody,
  get,
  I32,
  I32_ADD,
  i32Const,
  instantiateOverMemory,
  set,
  V128,
  V128_LOAD,
  V128_STORE,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';

const FORWARD = 'ReclensExpertMix';
const BACKWARD = 'ReclensExpertMixBackward';

/** Scalar float32: load and store (4-byte aligned, offset 0), const, add, sub, mul. */
const F32_LOAD = [0x2a, 2, 0];
const F32_STORE = [0x38, 2, 0];
const F32_ZERO = [0x43, 0, 0, 0, 0];
const [F32_ADD, F32_SUB, F32_MUL] = [[0x92], [0x93], [0x94]];

/** (bytes, rowBytes, w, out, expert_0..expert_{E-1}): out = sum_e w[:, e] expert_e; rowBytes a multiple of 16. */
type MixWasm = (...args: number[]) => void;
/** (bytes, rowBytes, w, dmix, dz, expert_0.., dExpert_0..): dz and every d expert_e. */
type MixBackwardWasm = (...args: number[]) => void;

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
 * Backward over E experts. Params: total bytes, rowBytes, w, dmix, dz, E experts, E d experts.
 * Locals: P, END, WROW, ROWSTART, D (a dmix scalar), S (the softmax's sum), then per expert its
 * splat of w, its dw accumulator and its dw w.
 */
function backwardBody(E: number): number[] {
  const [TOTAL, ROW_BYTES, W, DMIX, DZ] = [0, 1, 2, 3, 4];
  const expert = (e: number) => 5 + e;
  const dExpert = (e: number) => 5 + E + e;
  const base = 5 + 2 * E;
  const [P, END, WROW, ROWSTART] = [base, base + 1, base + 2, base + 3];
  const [D, S] = [base + 4, base + 5];
  const acc = (e: number) => base + 6 + e;
  const dwy = (e: number) => base + 6 + E + e;
  const splat = (e: number) => base + 6 + 2 * E + e;
  const wOf = (e: number) => [...add(get(WROW), i32Const(4 * e)), ...F32_LOAD];
  // d expert_e = dmix * w[:, e], four lanes at a time.
  // prettier-ignore
  const scale = [
    ...add(get(DMIX), get(P)), ...V128_LOAD, ...set(splat(E)),
    ...Array.from({ length: E }, (_, e) => [...add(get(dExpert(e)), get(P)), ...get(splat(E)), ...get(splat(e)), ...F32X4_MUL, ...V128_STORE]).flat(),
    ...get(P), ...i32Const(16), ...I32_ADD, ...set(P),
  ];
  // dw[:, e] += expert_e * dmix, one h at a time (tf.sum's order).
  // prettier-ignore
  const sum = [
    ...add(get(DMIX), get(P)), ...F32_LOAD, ...set(D),
    ...Array.from({ length: E }, (_, e) => [...get(acc(e)), ...add(get(expert(e)), get(P)), ...F32_LOAD, ...get(D), ...F32_MUL, ...F32_ADD, ...set(acc(e))]).flat(),
    ...get(P), ...i32Const(4), ...I32_ADD, ...set(P),
  ];
  // prettier-ignore
  const row = [
    ...get(P),
    ...set(ROWSTART),
    ...add(get(P), get(ROW_BYTES)),
    ...set(END),
    ...Array.from({ length: E }, (_, e) => [...wOf(e), ...F32X4_SPLAT, ...set(splat(e)), ...F32_ZERO, ...set(acc(e))]).flat(),
    ...whileLess(get(P), get(END), scale),
    ...get(ROWSTART),
    ...set(P),
    ...whileLess(get(P), get(END), sum),
    ...F32_ZERO,
    ...set(S),
    ...Array.from({ length: E }, (_, e) => [...get(acc(e)), ...wOf(e), ...F32_MUL, ...set(dwy(e)), ...get(S), ...get(dwy(e)), ...F32_ADD, ...set(S)]).flat(),
    ...Array.from({ length: E }, (_, e) => [...get(DZ), ...i32Const(4 * e), ...I32_ADD, ...get(dwy(e)), ...get(S), ...wOf(e), ...F32_MUL, ...F32_SUB, ...F32_STORE]).flat(),
    ...add(get(WROW), i32Const(4 * E)),
    ...set(WROW),
    ...add(get(DZ), i32Const(4 * E)),
    ...set(DZ),
  ];
  return funcBody(
    [
      [4, I32],
      [2 + 2 * E, F32],
      [1 + E, V128],
    ],
    [...get(W), ...set(WROW), ...whileLess(get(P), get(TOTAL), row)],
  );
}

/** Per memory, the forward and backward functions for E experts, made when first asked for. */
const modulesPerMemory = modulePerMemory((memory) => {
  const byExperts = new Map<number, { forward: MixWasm; backward: MixBackwardWasm } | null>();
  return (E: number) => {
    let fns = byExperts.get(E);
    if (fns === undefined) {
      const exports = instantiateOverMemory(memory, [
        { name: 'forward', params: Array<number>(4 + E).fill(I32), body: forwardBody(E) },
        { name: 'backward', params: Array<number>(5 + 2 * E).fill(I32), body: backwardBody(E) },
      ]);
      byExperts.set(E, (fns = exports ? { forward: exports.forward, backward: exports.backward } : null));
    }
    return fns;
  };
});

const moduleOf = (backend: unknown, E: number) => modulesPerMemory(backend)?.(E) ?? null;

function forwardKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const [w, ...experts] = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as WasmKernelBackend;
  const out = backend.makeOutput(experts[0].shape, 'float32');
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const [ws, outs, ...es] = [w, out, ...experts].map((t) => backend.typedArrayFromHeap(t));
  const [B, H] = out.shape;
  moduleOf(backend, experts.length)!.forward(4 * B * H, 4 * H, ws.byteOffset, outs.byteOffset, ...es.map((v) => v.byteOffset));
  return out;
}

function backwardKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo[] {
  const [dmix, w, ...experts] = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as WasmKernelBackend;
  const outs = [backend.makeOutput(w.shape, 'float32'), ...experts.map((e) => backend.makeOutput(e.shape, 'float32'))];
  const [ds, ws, dz, ...rest] = [dmix, w, ...outs, ...experts].map((t) => backend.typedArrayFromHeap(t));
  const [dExperts, es] = [rest.slice(0, experts.length), rest.slice(experts.length)];
  const [B, H] = dmix.shape;
  moduleOf(backend, experts.length)!.backward(
    4 * B * H,
    4 * H,
    ws.byteOffset,
    ds.byteOffset,
    dz.byteOffset,
    ...es.map((v) => v.byteOffset),
    ...dExperts.map((v) => v.byteOffset),
  );
  return outs;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backwardKernel as unknown as tf.KernelFunc });
}

/** Whether the kernels run here for these tensors: wasm with SIMD, float32, a width a multiple of 4. */
function kernelsRun(weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): boolean {
  install();
  const [B, H] = experts[0].shape;
  if (tf.getBackend() !== 'wasm' || H % 4 !== 0 || weights.shape[0] !== B || weights.shape[1] !== experts.length) return false;
  if (weights.dtype !== 'float32' || experts.some((e) => e.dtype !== 'float32' || e.shape[0] !== B || e.shape[1] !== H)) return false;
  return moduleOf(tf.backend(), experts.length) !== null;
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

export interface ExpertMixGradients {
  /** The cotangent of the gate's softmax input (batch x E). */
  dz: tf.Tensor2D;
  /** Per expert, the cotangent of its output (batch x H). */
  dExperts: tf.Tensor2D[];
}

/** The mix's and the softmax's backward by tensor ops. */
export function expertMixBackwardComposed(dmix: tf.Tensor2D, weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): ExpertMixGradients {
  return tf.tidy(() => {
    const dw = tf.stack(
      experts.map((o) => tf.sum(tf.mul(o, dmix), 1)),
      1,
    );
    const dwy = tf.mul(dw, weights);
    const dz = tf.sub(dwy, tf.mul(tf.sum(dwy, 1, true), weights)) as tf.Tensor2D;
    return { dz, dExperts: gateColumns(weights).map((c) => tf.mul(dmix, c) as tf.Tensor2D) };
  });
}

/** sum_e w[:, e] expert_e (weights batch x E, each expert batch x H): the kernel where it runs. */
export function expertMix(weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): tf.Tensor2D {
  if (!kernelsRun(weights, experts)) return expertMixComposed(weights, experts);
  return tf.engine().runKernel(FORWARD, Object.fromEntries([weights, ...experts].map((t, j) => [`i${j}`, t]))) as tf.Tensor2D;
}

/** From the mix's cotangent dmix: dz of the gate's softmax input and each expert's cotangent. */
export function expertMixBackward(dmix: tf.Tensor2D, weights: tf.Tensor2D, experts: readonly tf.Tensor2D[]): ExpertMixGradients {
  if (!kernelsRun(weights, experts) || dmix.dtype !== 'float32' || dmix.shape.join() !== experts[0].shape.join())
    return expertMixBackwardComposed(dmix, weights, experts);
  const [dz, ...dExperts] = tf
    .engine()
    .runKernel(BACKWARD, Object.fromEntries([dmix, weights, ...experts].map((t, j) => [`i${j}`, t]))) as unknown as tf.Tensor2D[];
  return { dz, dExperts };
}
