/**
 * Adam's update of one float32 variable as a WebAssembly SIMD (f32x4) loop over tfjs-backend-wasm's
 * own memory: one pass reads the value, gradient and both moments and writes the three new
 * tensors, where tfjs's Adam runs ~12 kernels per variable, each allocating and filling a tensor
 * of the variable's size. Every lane does tfjs's float32 operations in tfjs's order (IEEE
 * add, mul, div, sqrt; wasm has no fused multiply-add), so the results are the same bits. The
 * module is assembled here (~300 bytes) and imports the backend's memory, shared or not.
 */

import {
  F32,
  F32X4_ADD as ADD,
  F32X4_DIV as DIV,
  F32X4_MUL as MUL,
  F32X4_SPLAT as SPLAT,
  F32X4_SQRT as SQRT,
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
  whileLess,
} from './wasmAssembler.ts';

/** Parameters: bytes, then the addresses x, g, m, v, xOut, mOut, vOut, then the f32 constants. */
const [BYTES, X, G, M, V, XO, MO, VO] = [0, 1, 2, 3, 4, 5, 6, 7];
const CONSTANTS = ['weightDecay', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLr'] as const;
export type AdamConstants = Record<(typeof CONSTANTS)[number], number>;
const I = 8 + CONSTANTS.length;
const SPLATS = I + 1; // CONSTANTS.length v128 locals, in CONSTANTS' order
const [XV, GV, MV, VV] = [0, 1, 2, 3].map((k) => SPLATS + CONSTANTS.length + k);
const c = (name: (typeof CONSTANTS)[number]) => get(SPLATS + CONSTANTS.indexOf(name));

const at = (base: number) => [...get(base), ...get(I), ...I32_ADD];
const load = (base: number) => [...at(base), ...V128_LOAD];

/** The loop over 16-byte groups; `decay` adds weightDecay * x to the gradient first (coupled L2). */
function adamBody(decay: boolean): number[] {
  // prettier-ignore
  const step = [
    ...load(X), ...set(XV),
    ...load(G), ...set(GV),
    ...(decay ? [...get(GV), ...get(XV), ...c('weightDecay'), ...MUL, ...ADD, ...set(GV)] : []),
    // m' = m * beta1 + g * (1 - beta1)
    ...load(M), ...c('beta1'), ...MUL, ...get(GV), ...c('oneMinusBeta1'), ...MUL, ...ADD, ...set(MV),
    ...at(MO), ...get(MV), ...V128_STORE,
    // v' = v * beta2 + g^2 * (1 - beta2)
    ...load(V), ...c('beta2'), ...MUL, ...get(GV), ...get(GV), ...MUL, ...c('oneMinusBeta2'), ...MUL, ...ADD, ...set(VV),
    ...at(VO), ...get(VV), ...V128_STORE,
    // x' = (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps) * -lr + x
    ...at(XO),
    ...get(MV), ...c('oneMinusAccBeta1'), ...DIV,
    ...get(VV), ...c('oneMinusAccBeta2'), ...DIV, ...SQRT, ...c('epsilon'), ...ADD,
    ...DIV, ...c('negLr'), ...MUL, ...get(XV), ...ADD, ...V128_STORE,
    ...get(I), ...i32Const(16), ...I32_ADD, ...set(I),
  ];
  const splats = CONSTANTS.flatMap((_, k) => [...get(8 + k), ...SPLAT, ...set(SPLATS + k)]);
  return funcBody(
    [
      [1, I32],
      [CONSTANTS.length + 4, V128],
    ],
    [...splats, ...whileLess(get(I), get(BYTES), step)],
  );
}

const PARAM_TYPES = [...Array<number>(8).fill(I32), ...Array<number>(CONSTANTS.length).fill(F32)];

/** (bytes, x, g, m, v, xOut, mOut, vOut, ...constants): byte count and addresses in the memory. */
export type AdamWasmFunction = (...args: number[]) => void;

/** The update over `memory` (plain, and with coupled weight decay), or null where WebAssembly SIMD is missing. */
export function adamWasm(memory: WebAssembly.Memory): { adam: AdamWasmFunction; adamDecay: AdamWasmFunction } | null {
  const exports = instantiateOverMemory(memory, [
    { name: 'adam', params: PARAM_TYPES, body: adamBody(false) },
    { name: 'adamDecay', params: PARAM_TYPES, body: adamBody(true) },
  ]);
  return exports ? { adam: exports.adam, adamDecay: exports.adamDecay } : null;
}

/** The constants in the order the module's functions take them. */
export function constantArgs(c: AdamConstants): number[] {
  return CONSTANTS.map((name) => c[name]);
}
