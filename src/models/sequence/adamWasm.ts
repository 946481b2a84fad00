/**
 * ExplicitAdam's update (adam.ts, torch.optim.Adam's order) of one float32 variable as a
 * WebAssembly SIMD (f32x4) loop over tfjs-backend-wasm's own memory: one pass reads the value,
 * gradient and both moments and writes the three new tensors, where the tensor ops were ~12
 * kernels each writing a tensor of the variable's size. Every lane does the tensor ops' float32
 * operations in their order (IEEE add, sub, mul, div, sqrt; wasm has no fused multiply-add), so
 * the results are the same bits. The module is assembled here and imports the backend's memory.
 */
import {
  ADD,
  body,
  F32,
  F32X4_ADD,
  F32X4_DIV,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SQRT,
  F32X4_SUB,
  funcType,
  get,
  I32,
  name,
  section,
  set,
  V128,
  v128Load,
  v128Store,
  whileLess,
  bump,
  i32,
} from './wasmCode.ts';

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
const at = (base: number) => [...get(base), ...get(I), ADD];

/** `decay`: the gradient gets weightDecay * x added first (torch's L2 term). */
function adamBody(decay: boolean): number[] {
  const step = [
    ...at(X),
    ...v128Load(0),
    ...set(XV),
    ...at(G),
    ...v128Load(0),
    ...set(GV),
    ...(decay ? [...get(GV), ...get(XV), ...c('weightDecay'), ...F32X4_MUL, ...F32X4_ADD, ...set(GV)] : []),
    // m' = m * beta1 + g * (1 - beta1)
    ...at(M),
    ...v128Load(0),
    ...c('beta1'),
    ...F32X4_MUL,
    ...get(GV),
    ...c('oneMinusBeta1'),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(MV),
    ...at(MO),
    ...get(MV),
    ...v128Store(0),
    // v' = v * beta2 + g^2 * (1 - beta2)
    ...at(V),
    ...v128Load(0),
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
    ...v128Store(0),
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
    ...v128Store(0),
    ...bump(I, i32(16)),
  ];
  const code = [...ADAM_CONSTANTS.flatMap((_, k) => [...get(8 + k), ...F32X4_SPLAT, ...set(SPLATS + k)]), ...whileLess(get(I), get(BYTES), step)];
  return body(
    [
      [1, I32],
      [ADAM_CONSTANTS.length + 4, V128],
    ],
    code,
  );
}

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  // Memory import limits: min 0, and for shared memory the largest maximum (a shared import needs one).
  const memory = [...name('env'), ...name('memory'), 0x02, ...(shared ? [0x03, 0, 0x80, 0x80, 0x04] : [0x00, 0])];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, ...funcType([...new Array<number>(8).fill(I32), ...new Array<number>(ADAM_CONSTANTS.length).fill(F32)], [])]),
    ...section(2, [1, ...memory]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name('adam'), 0x00, 0, ...name('adamDecay'), 0x00, 1]),
    ...section(10, [2, ...adamBody(false), ...adamBody(true)]),
  ]);
}

/** (bytes, x, g, m, v, xOut, mOut, vOut, ...constants): a byte count (a multiple of 16) and addresses in the memory. */
export type AdamWasmFunction = (...args: number[]) => void;

/** The update over `memory` (plain, and with weight decay), or null where WebAssembly SIMD is missing. */
export function adamWasm(memory: WebAssembly.Memory): { adam: AdamWasmFunction; adamDecay: AdamWasmFunction } | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } });
    return instance.exports as unknown as { adam: AdamWasmFunction; adamDecay: AdamWasmFunction };
  } catch {
    return null;
  }
}

/** The constants in the order the module's functions take them. */
export function constantArgs(k: AdamConstants): number[] {
  return ADAM_CONSTANTS.map((key) => k[key]);
}
