/**
 * Adam's update of one float32 variable as a WebAssembly SIMD (f32x4) loop over tfjs-backend-wasm's
 * own memory: one pass reads the value, gradient and both moments and writes the three new
 * tensors, where the tensor ops run ~12 kernels per variable, each allocating and filling a tensor
 * of the variable's size. Two orders of the final division, as two optimizers compute it:
 * - 'tfjs': tfjs's AdamOptimizer, x' = (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps) * -lr + x
 *   (the CTR and multi-task trainers, optimizer.ts);
 * - 'torch': torch.optim.Adam, x' = x - (m' / (sqrt(v') / sqrt(1 - b2^t) + eps)) * (lr / (1 - b1^t))
 *   (the sequence trainer's ExplicitAdam).
 * Every lane does the float32 operations in that order (IEEE add, sub, mul, div, sqrt; wasm has no
 * fused multiply-add), so the results are the same bits as the tensor ops. The module is assembled
 * here (~600 bytes) and imports the backend's memory, shared or not.
 */
import {
  F32,
  F32X4_ADD as ADD,
  F32X4_DIV as DIV,
  F32X4_MUL as MUL,
  F32X4_SPLAT as SPLAT,
  F32X4_SQRT as SQRT,
  F32X4_SUB as SUB,
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

/** Each order's float32 scalars, in the order the module's functions take them. */
export const ADAM_CONSTANTS = {
  tfjs: ['weightDecay', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLr'],
  torch: ['weightDecay', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'sqrtC2', 'epsilon', 'stepSize'],
} as const;
export type AdamOrder = keyof typeof ADAM_CONSTANTS;
/** One step's scalars, tagged with the order they are for. */
export type AdamConstants = { [O in AdamOrder]: { order: O } & Record<(typeof ADAM_CONSTANTS)[O][number], number> }[AdamOrder];

/** Parameters: bytes, then the addresses x, g, m, v, xOut, mOut, vOut, then the order's constants. */
const [BYTES, X, G, M, V, XO, MO, VO] = [0, 1, 2, 3, 4, 5, 6, 7];
const at = (base: number, i: number) => [...get(base), ...get(i), ...I32_ADD];

/** The loop over 16-byte groups; `decay` adds weightDecay * x to the gradient first (coupled L2). */
function adamBody(order: AdamOrder, decay: boolean): number[] {
  const names: readonly string[] = ADAM_CONSTANTS[order];
  const I = 8 + names.length;
  const SPLATS = I + 1; // names.length v128 locals, in names' order
  const [XV, GV, MV, VV] = [0, 1, 2, 3].map((k) => SPLATS + names.length + k);
  const c = (name: string) => get(SPLATS + names.indexOf(name));
  const load = (base: number) => [...at(base, I), ...V128_LOAD];
  // prettier-ignore
  const update = order === 'tfjs'
    // x' = (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps) * -lr + x
    ? [...get(MV), ...c('oneMinusAccBeta1'), ...DIV,
       ...get(VV), ...c('oneMinusAccBeta2'), ...DIV, ...SQRT, ...c('epsilon'), ...ADD,
       ...DIV, ...c('negLr'), ...MUL, ...get(XV), ...ADD]
    // x' = x - (m' / (sqrt(v') / sqrt(c2) + eps)) * (lr / c1)
    : [...get(XV), ...get(MV), ...get(VV), ...SQRT, ...c('sqrtC2'), ...DIV, ...c('epsilon'), ...ADD,
       ...DIV, ...c('stepSize'), ...MUL, ...SUB];
  // prettier-ignore
  const step = [
    ...load(X), ...set(XV),
    ...load(G), ...set(GV),
    ...(decay ? [...get(GV), ...get(XV), ...c('weightDecay'), ...MUL, ...ADD, ...set(GV)] : []),
    // m' = m * beta1 + g * (1 - beta1)
    ...load(M), ...c('beta1'), ...MUL, ...get(GV), ...c('oneMinusBeta1'), ...MUL, ...ADD, ...set(MV),
    ...at(MO, I), ...get(MV), ...V128_STORE,
    // v' = v * beta2 + g^2 * (1 - beta2)
    ...load(V), ...c('beta2'), ...MUL, ...get(GV), ...get(GV), ...MUL, ...c('oneMinusBeta2'), ...MUL, ...ADD, ...set(VV),
    ...at(VO, I), ...get(VV), ...V128_STORE,
    ...at(XO, I), ...update, ...V128_STORE,
    ...get(I), ...i32Const(16), ...I32_ADD, ...set(I),
  ];
  const splats = names.flatMap((_, k) => [...get(8 + k), ...SPLAT, ...set(SPLATS + k)]);
  return funcBody(
    [
      [1, I32],
      [names.length + 4, V128],
    ],
    [...splats, ...whileLess(get(I), get(BYTES), step)],
  );
}

/** (bytes, x, g, m, v, xOut, mOut, vOut, ...constants): a byte count (a multiple of 16) and addresses in the memory. */
export type AdamWasmFunction = (...args: number[]) => void;
/** Per order: the update without and with coupled weight decay. */
export type AdamWasm = Record<AdamOrder, { plain: AdamWasmFunction; decay: AdamWasmFunction }>;

/** The updates over `memory`, or null where WebAssembly SIMD is missing. */
export function adamWasm(memory: WebAssembly.Memory): AdamWasm | null {
  const orders = Object.keys(ADAM_CONSTANTS) as AdamOrder[];
  const params = (order: AdamOrder) => [...Array<number>(8).fill(I32), ...Array<number>(ADAM_CONSTANTS[order].length).fill(F32)];
  const exports = instantiateOverMemory(
    memory,
    orders.flatMap((order) => [
      { name: order, params: params(order), body: adamBody(order, false) },
      { name: `${order}Decay`, params: params(order), body: adamBody(order, true) },
    ]),
  );
  if (!exports) return null;
  return Object.fromEntries(orders.map((order) => [order, { plain: exports[order], decay: exports[`${order}Decay`] }])) as AdamWasm;
}

/** The constants in the order the module's functions take them. */
export function constantArgs(c: AdamConstants): number[] {
  const values = c as unknown as Record<string, number>;
  return ADAM_CONSTANTS[c.order].map((name) => values[name]);
}
