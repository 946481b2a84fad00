/**
 * Adam's update of one float32 variable as a WebAssembly SIMD (f32x4) loop over tfjs-backend-wasm's
 * own memory: one pass reads the value, gradient and both moments and writes the three new
 * tensors, where tfjs's Adam runs ~12 kernels per variable, each allocating and filling a tensor
 * of the variable's size. Every lane does tfjs's float32 operations in tfjs's order (IEEE
 * add, mul, div, sqrt; wasm has no fused multiply-add), so the results are the same bits. The
 * module is assembled here (~300 bytes) and imports the backend's memory, shared or not.
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const text = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
const op = (code: number) => [0xfd, ...uleb(code)];
const [I32, F32, V128] = [0x7f, 0x7d, 0x7b];
const [I32_ADD, I32_CONST] = [0x6a, 0x41];
const [SPLAT, SQRT, ADD, MUL, DIV] = [op(0x13), op(0xe3), op(0xe4), op(0xe6), op(0xe7)];

/** Parameters: bytes, then the addresses x, g, m, v, xOut, mOut, vOut, then the f32 constants. */
const [BYTES, X, G, M, V, XO, MO, VO] = [0, 1, 2, 3, 4, 5, 6, 7];
const CONSTANTS = ['weightDecay', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLr'] as const;
export type AdamConstants = Record<(typeof CONSTANTS)[number], number>;
const PARAMS = 8 + CONSTANTS.length;
const I = PARAMS;
const SPLATS = I + 1; // CONSTANTS.length v128 locals, in CONSTANTS' order
const [XV, GV, MV, VV] = [0, 1, 2, 3].map((k) => SPLATS + CONSTANTS.length + k);
const c = (name: (typeof CONSTANTS)[number]) => get(SPLATS + CONSTANTS.indexOf(name));

const at = (base: number) => [...get(base), ...get(I), I32_ADD];
const load = (base: number) => [...at(base), ...op(0x00), 4, 0];
const store = [...op(0x0b), 4, 0];

/** The loop over 16-byte groups; `decay` adds weightDecay * x to the gradient first (coupled L2). */
function adamBody(decay: boolean): number[] {
  const code = [
    ...CONSTANTS.flatMap((_, k) => [...get(8 + k), ...SPLAT, ...set(SPLATS + k)]),
    // while (i < bytes)
    0x02,
    0x40,
    0x03,
    0x40,
    ...get(I),
    ...get(BYTES),
    0x4f,
    0x0d,
    1,
    ...load(X),
    ...set(XV),
    ...load(G),
    ...set(GV),
    ...(decay ? [...get(GV), ...get(XV), ...c('weightDecay'), ...MUL, ...ADD, ...set(GV)] : []),
    // m' = m * beta1 + g * (1 - beta1)
    ...load(M),
    ...c('beta1'),
    ...MUL,
    ...get(GV),
    ...c('oneMinusBeta1'),
    ...MUL,
    ...ADD,
    ...set(MV),
    ...at(MO),
    ...get(MV),
    ...store,
    // v' = v * beta2 + g^2 * (1 - beta2)
    ...load(V),
    ...c('beta2'),
    ...MUL,
    ...get(GV),
    ...get(GV),
    ...MUL,
    ...c('oneMinusBeta2'),
    ...MUL,
    ...ADD,
    ...set(VV),
    ...at(VO),
    ...get(VV),
    ...store,
    // x' = (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps) * -lr + x
    ...at(XO),
    ...get(MV),
    ...c('oneMinusAccBeta1'),
    ...DIV,
    ...get(VV),
    ...c('oneMinusAccBeta2'),
    ...DIV,
    ...SQRT,
    ...c('epsilon'),
    ...ADD,
    ...DIV,
    ...c('negLr'),
    ...MUL,
    ...get(XV),
    ...ADD,
    ...store,
    ...get(I),
    I32_CONST,
    16,
    I32_ADD,
    ...set(I),
    0x0c,
    0,
    0x0b,
    0x0b,
  ];
  const locals = [
    [1, I32],
    [CONSTANTS.length + 4, V128],
  ];
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  return [...uleb(decl.length + code.length + 1), ...decl, ...code, 0x0b];
}

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...uleb(PARAMS), ...Array<number>(8).fill(I32), ...Array<number>(CONSTANTS.length).fill(F32), 0];
  // Memory import limits: min 0, and for shared memory the largest maximum (a shared import needs one).
  const memory = [...text('env'), ...text('memory'), 0x02, ...(shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0])];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([memory])),
    ...section(3, vec([[0], [0]])),
    ...section(
      7,
      vec([
        [...text('adam'), 0x00, 0],
        [...text('adamDecay'), 0x00, 1],
      ]),
    ),
    ...section(10, vec([adamBody(false), adamBody(true)])),
  ];
  return new Uint8Array(bytes);
}

/** (bytes, x, g, m, v, xOut, mOut, vOut, ...constants): byte count and addresses in the memory. */
export type AdamWasmFunction = (...args: number[]) => void;

/** The update over `memory` (plain, and with coupled weight decay), or null where WebAssembly SIMD is missing. */
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
export function constantArgs(c: AdamConstants): number[] {
  return CONSTANTS.map((name) => c[name]);
}
