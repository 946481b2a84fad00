/**
 * The FM term's two sums over fields (models/fmInteraction.ts), sum_f x and sum_f x^2 (attr
 * squares) of x [B, F, K], and their gradients, as tfjs-backend-wasm kernels:
 * - 'ReclensFieldSum' (x to [B, K]): from 0, adding fields in order (x * x for squares), as
 *   tfjs-backend-wasm's Sum adds after transposing x to [B, K, F] (~0.3 ms each for 1024 x 26 x 16);
 * - 'ReclensFieldSumGrad' (dy [B, K], x to dx [B, F, K]): dx[b, f, :] = dy[b, :], times
 *   (x[b, f, :] * 2) for squares. tfjs's Sum gradient multiplies dy by a ones tensor of x's shape
 *   built in JS (~3 ms for 1024 x 26 x 16) and broadcasts slowly on wasm; Square's then multiplies
 *   by x * 2.
 * The same float32 operations in the same order (times one changes nothing), so the same bits, in
 * one WebAssembly SIMD pass each. K a multiple of 4; other shapes and backends keep tfjs's ops.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
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
  V128,
  V128_LOAD,
  V128_STORE,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';

export const FIELD_SUM = 'ReclensFieldSum';
export const FIELD_SUM_GRAD = 'ReclensFieldSumGrad';

/** grad(dy, x, out, rows, fields, rowBytes): rowBytes = 4 * K, a multiple of 16. */
const [DY, X, OUT, ROWS, FIELDS, ROW_BYTES] = [0, 1, 2, 3, 4, 5];
const [B, F, KB] = [6, 7, 8];
const TWO = 9;

const v128At = (base: number, offset: number[]) => [...get(base), ...offset, ...I32_ADD];

/** sum(x, out, rows, fields, rowBytes). */
function sumBody(squares: boolean): number[] {
  const [SX, SOUT, SROWS, SFIELDS, SROW_BYTES] = [0, 1, 2, 3, 4];
  const [SB, SKB, SF, P, SPAN] = [5, 6, 7, 8, 9];
  const [ACC, V] = [10, 11];
  // prettier-ignore
  const field = [
    ...get(ACC), ...get(P), ...V128_LOAD, ...(squares ? [...set(V), ...get(V), ...get(V), ...F32X4_MUL] : []), ...F32X4_ADD, ...set(ACC),
    ...get(P), ...get(SROW_BYTES), ...I32_ADD, ...set(P),
    ...get(SF), ...i32Const(1), ...I32_ADD, ...set(SF),
  ];
  // prettier-ignore
  const lane = [
    ...V128_ZERO, ...set(ACC), ...get(SX), ...get(SKB), ...I32_ADD, ...set(P), ...i32Const(0), ...set(SF),
    ...whileLess(get(SF), get(SFIELDS), field),
    ...v128At(SOUT, get(SKB)), ...get(ACC), ...V128_STORE,
    ...get(SKB), ...i32Const(16), ...I32_ADD, ...set(SKB),
  ];
  // prettier-ignore
  const row = [
    ...i32Const(0), ...set(SKB),
    ...whileLess(get(SKB), get(SROW_BYTES), lane),
    ...get(SX), ...get(SPAN), ...I32_ADD, ...set(SX),
    ...get(SOUT), ...get(SROW_BYTES), ...I32_ADD, ...set(SOUT),
    ...get(SB), ...i32Const(1), ...I32_ADD, ...set(SB),
  ];
  return funcBody(
    [
      [5, I32],
      [2, V128],
    ],
    [...get(SFIELDS), ...get(SROW_BYTES), ...I32_MUL, ...set(SPAN), ...whileLess(get(SB), get(SROWS), row)],
  );
}

function gradBody(squares: boolean): number[] {
  // prettier-ignore
  const lane = [
    ...v128At(OUT, get(KB)),
    ...v128At(DY, get(KB)), ...V128_LOAD,
    ...(squares ? [...v128At(X, get(KB)), ...V128_LOAD, ...get(TWO), ...F32X4_MUL, ...F32X4_MUL] : []),
    ...V128_STORE,
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
type SumFunction = (x: number, out: number, rows: number, fields: number, rowBytes: number) => void;
interface Module {
  sum: SumFunction;
  sumSquares: SumFunction;
  plain: GradFunction;
  squares: GradFunction;
}

const moduleFor = modulePerMemory((memory): Module | null => {
  const params = Array<number>(6).fill(I32);
  const sumParams = Array<number>(5).fill(I32);
  const exports = instantiateOverMemory(memory, [
    { name: 'sum', params: sumParams, body: sumBody(false) },
    { name: 'sumSquares', params: sumParams, body: sumBody(true) },
    { name: 'plain', params, body: gradBody(false) },
    { name: 'squares', params, body: gradBody(true) },
  ]);
  return exports
    ? {
        sum: exports.sum as SumFunction,
        sumSquares: exports.sumSquares as SumFunction,
        plain: exports.plain as GradFunction,
        squares: exports.squares as GradFunction,
      }
    : null;
});

function sumKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x } = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as WasmKernelBackend;
  const [rows, fields, k] = x.shape;
  const out = backend.makeOutput([rows, k], 'float32');
  const [xA, outA] = [x, out].map((t) => backend.typedArrayFromHeap(t).byteOffset);
  const m = moduleFor(backend)!;
  (args.attrs?.squares ? m.sumSquares : m.sum)(xA, outA, rows, fields, 4 * k);
  return out;
}

function gradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, x } = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as WasmKernelBackend;
  const [rows, fields, k] = x.shape;
  const out = backend.makeOutput(x.shape, 'float32');
  const [dyA, xA, outA] = [dy, x, out].map((t) => backend.typedArrayFromHeap(t).byteOffset);
  const m = moduleFor(backend)!;
  (args.attrs?.squares ? m.squares : m.plain)(dyA, xA, outA, rows, fields, 4 * k);
  return out;
}

let installed = false;

/** Whether the kernels serve a float32 [B, F, K] on the current backend (registering them once). */
export function fieldSumKernelsReady(x: tf.Tensor3D): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: FIELD_SUM, backendName: 'wasm', kernelFunc: sumKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: FIELD_SUM_GRAD, backendName: 'wasm', kernelFunc: gradKernel as unknown as tf.KernelFunc });
  }
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || x.shape[2] % 4 !== 0) return false;
  return moduleFor(tf.backend()) !== null;
}
