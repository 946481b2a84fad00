/**
 * The gradients of the FM term's two sums over fields (models/fmInteraction.ts) as one
 * tfjs-backend-wasm kernel ('ReclensFieldSumGrad': dy [B, K], x [B, F, K] to dx [B, F, K]):
 * - sum_f x: dx[b, f, :] = dy[b, :];
 * - sum_f x^2 (attr squares): dx[b, f, :] = dy[b, :] * (x[b, f, :] * 2).
 * tfjs's Sum gradient multiplies dy by a ones tensor of x's shape built in JS (~3 ms for 1024 x
 * 26 x 16) and broadcasts slowly on wasm; Square's then multiplies by x * 2: the same float32
 * operations (times one changes nothing), so the same bits, in one WebAssembly SIMD pass. K a
 * multiple of 4; other shapes and backends keep tfjs's gradients.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { F32X4_MUL, F32X4_SPLAT, funcBody, get, I32, I32_ADD, i32Const, instantiateOverMemory, set, simd, V128, whileLess } from './wasmAssembler.ts';

export const FIELD_SUM_GRAD = 'ReclensFieldSumGrad';

/** grad(dy, x, out, rows, fields, rowBytes): rowBytes = 4 * K, a multiple of 16. */
const [DY, X, OUT, ROWS, FIELDS, ROW_BYTES] = [0, 1, 2, 3, 4, 5];
const [B, F, KB] = [6, 7, 8];
const TWO = 9;

const f32Const = (x: number) => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)];
const v128At = (base: number, offset: number[]) => [...get(base), ...offset, ...I32_ADD];
const LOAD = [...simd(0x00), 4, 0];
const STORE = [...simd(0x0b), 4, 0];

function gradBody(squares: boolean): number[] {
  // prettier-ignore
  const lane = [
    ...v128At(OUT, get(KB)),
    ...v128At(DY, get(KB)), ...LOAD,
    ...(squares ? [...v128At(X, get(KB)), ...LOAD, ...get(TWO), ...F32X4_MUL, ...F32X4_MUL] : []),
    ...STORE,
    ...get(KB), ...i32Const(16), ...I32_ADD, ...set(KB),
  ];
  // prettier-ignore
  const field = [
    ...i32Const(0), ...set(KB),
    ...whileLess(get(KB), get(ROW_BYTES), lane),
    ...get(X), ...get(ROW_BYTES), ...I32_ADD, ...set(X),
    ...get(OUT), ...get(ROW_BYTES), ...I32_ADD, ...set(OUT),
    ...get(F), ...i32Const(1), ...I32_ADD, ...set(F),
  ];
  // prettier-ignore
  const row = [
    ...i32Const(0), ...set(F),
    ...whileLess(get(F), get(FIELDS), field),
    ...get(DY), ...get(ROW_BYTES), ...I32_ADD, ...set(DY),
    ...get(B), ...i32Const(1), ...I32_ADD, ...set(B),
  ];
  return funcBody(
    [
      [3, I32],
      [1, V128],
    ],
    [...f32Const(2), ...F32X4_SPLAT, ...set(TWO), ...whileLess(get(B), get(ROWS), row)],
  );
}

type GradFunction = (dy: number, x: number, out: number, rows: number, fields: number, rowBytes: number) => void;
interface Module {
  plain: GradFunction;
  squares: GradFunction;
}

/** What the kernel reads of tfjs-backend-wasm's BackendWasm (public members of the class). */
interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

const memoryOf = (b: WasmBackend) => b.wasm.wasmMemory ?? b.wasm.asm?.memory;
const modules = new WeakMap<WebAssembly.Memory, Module | null>();

function moduleFor(memory: WebAssembly.Memory): Module | null {
  let m = modules.get(memory);
  if (m === undefined) {
    const params = Array<number>(6).fill(I32);
    const exports = instantiateOverMemory(memory, [
      { name: 'plain', params, body: gradBody(false) },
      { name: 'squares', params, body: gradBody(true) },
    ]);
    m = exports ? { plain: exports.plain as GradFunction, squares: exports.squares as GradFunction } : null;
    modules.set(memory, m);
  }
  return m;
}

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, x } = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as WasmBackend;
  const [rows, fields, k] = x.shape;
  const out = backend.makeOutput(x.shape, 'float32');
  const [dyA, xA, outA] = [dy, x, out].map((t) => backend.typedArrayFromHeap(t).byteOffset);
  const m = moduleFor(memoryOf(backend)!)!;
  (args.attrs?.squares ? m.squares : m.plain)(dyA, xA, outA, rows, fields, 4 * k);
  return out;
}

let installed = false;

/** Whether the kernel serves a float32 [B, F, K] on the current backend (registering it once). */
export function fieldSumGradKernelReady(x: tf.Tensor3D): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: FIELD_SUM_GRAD, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  }
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || x.shape[2] % 4 !== 0) return false;
  const memory = memoryOf(tf.backend() as unknown as WasmBackend);
  return Boolean(memory && moduleFor(memory));
}
