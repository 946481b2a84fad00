/**
 * ExplicitAdam's update (adam.ts, torch.optim.Adam's order) of one float32 variable as a
 * WebAssembly SIMD (f32x4) loop over tfjs-backend-wasm's own memory: one pass reads the value,
 * gradient and both moments and writes the three new tensors, where the tensor ops were ~12
 * kernels each writing a tensor of the variable's size. Every lane does the tensor ops' float32
 * operations in their order (IEEE add, sub, mul, div, sqrt; wasm has no fused multiply-add), so
 * the results are the same bits. The module is assembled here and imports the backend's memory.
 */
import {
  bump,
  F32,
  F32X4_ADD,
  F32X4_DIV,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SQRT,
  F32X4_SUB,
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
} from '../../engine/wasmAssembler.ts';

/** The float32 scalars of one update, as the tensor ops take them. */
export const ADAM_CONSTANTS = ['weightDecay', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'sqrtC2', 'epsilon', 'stepSize'] as const;
export type AdamConstants = Record<(typeof ADAM_CONSTANTS)[number], number>;

/** Parameters: bytes, then the addresses x, g, m, v, xOut, mOut, vOut, then the constants. */
const [BYTES, X, G, M, V, XO, MO, VO] = [0, 1, 2, 3, 4, 5, 6, 7];
const PARAMS = 8 + ADAM_CONSTANTS.length;
const I = PARAMS;
const SPLATS = I + 1;
const [XV, GV, MV, VV] = [0, 1, 2, 3].map((k) => SPLATS + ADAM_CONSTANTS.length + k);
const c = (key: (typeof ADAM_CONSTANTS)[number]) => get(SPLATS + ADAM_CONSTANTS.indexOf(key));
const at = (base: number) => [...get(base), ...get(I), ...I32_ADD];

/** `decay`: the gradient gets weightDecay * x added first (torch's L2 term). */
function adamBody(decay: boolean): number[] {
  const step = [
    ...at(X),
    ...V128_LOAD,
    ...set(XV),
    ...at(G),
    ...V128_LOAD,
    ...set(GV),
    ...(decay ? [...get(GV), ...get(XV), ...c('weightDecay'), ...F32X4_MUL, ...F32X4_ADD, ...set(GV)] : []),
    // m' = m * beta1 + g * (1 - beta1)
    ...at(M),
    ...V128_LOAD,
    ...c('beta1'),
    ...F32X4_MUL,
    ...get(GV),
    ...c('oneMinusBeta1'),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(MV),
    ...at(MO),
    ...get(MV),
    ...V128_STORE,
    // v' = v * beta2 + g^2 * (1 - beta2)
    ...at(V),
    ...V128_LOAD,
    ...c('beta2'),
    ...F32X4_MUL,
    ...get(GV),
    ...get(GV),
    ...F32X4_MUL,
    ...c('oneMinusBeta2'),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(VV),
    ...at(VO),
    ...get(VV),
    ...V128_STORE,
    // x' = x - (m' / (sqrt(v') / sqrt(c2) + eps)) * (lr / c1)
    ...at(XO),
    ...get(XV),
    ...get(MV),
    ...get(VV),
    ...F32X4_SQRT,
    ...c('sqrtC2'),
    ...F32X4_DIV,
    ...c('epsilon'),
    ...F32X4_ADD,
    ...F32X4_DIV,
    ...c('stepSize'),
    ...F32X4_MUL,
    ...F32X4_SUB,
    ...V128_STORE,
    ...bump(I, i32Const(16)),
  ];
  const code = [...ADAM_CONSTANTS.flatMap((_, k) => [...get(8 + k), ...F32X4_SPLAT, ...set(SPLATS + k)]), ...whileLess(get(I), get(BYTES), step)];
  return funcBody(
    [
      [1, I32],
      [ADAM_CONSTANTS.length + 4, V128],
    ],
    code,
  );
}

const PARAM_TYPES = [...new Array<number>(8).fill(I32), ...new Array<number>(ADAM_CONSTANTS.length).fill(F32)];

/** (bytes, x, g, m, v, xOut, mOut, vOut, ...constants): a byte count (a multiple of 16) and addresses in the memory. */
export type AdamWasmFunction = (...args: number[]) => void;

/** The update over `memory` (plain, and with weight decay), or null where WebAssembly SIMD is missing. */
export function adamWasm(memory: WebAssembly.Memory): { adam: AdamWasmFunction; adamDecay: AdamWasmFunction } | null {
  const exports = instantiateOverMemory(memory, [
    { name: 'adam', params: PARAM_TYPES, body: adamBody(false) },
    { name: 'adamDecay', params: PARAM_TYPES, body: adamBody(true) },
  ]);
  return exports ? { adam: exports.adam, adamDecay: exports.adamDecay } : null;
}

/** The constants in the order the module's functions take them. */
export function constantArgs(k: AdamConstants): number[] {
  return ADAM_CONSTANTS.map((key) => k[key]);
}
