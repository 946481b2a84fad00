/**
 * The FM term from its two sums over fields (models/fmInteraction.ts): 0.5 * sum_k (s_k^2 - q_k)
 * for s = sum_f e, q = sum_f e^2 (each [B, K]), and its gradient, as tfjs-backend-wasm kernels
 * with the float32 operations of the ops they replace (square, sub, sum over k, times 0.5) in
 * their order:
 * - 'ReclensFmPairs' (s, q to [B]): per row from 0, adding s_k * s_k - q_k for k in order (as
 *   tfjs-backend-wasm's Sum adds), then times 0.5;
 * - 'ReclensFmPairsGrad' (dy [B], s to ds, dq [B, K]): g = dy * 0.5 (Mul's gradient; Sum's
 *   multiplies it by ones), ds = g * (s * 2) (Square's), dq = -g (Sub's).
 * They replace 4 kernels forward and ~8 backward (one building a ones tensor in JS) with one
 * WebAssembly loop each.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  bump,
  F32,
  F32_ADD,
  F32_LOAD,
  F32_MUL,
  F32_NEG,
  F32_STORE,
  F32_SUB,
  f32Const,
  funcBody,
  get,
  I32,
  i32Const,
  instantiateOverMemory,
  set,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend, type KernelArgs, heapAddress } from './kernelBackends.ts';

export const FM_PAIRS = 'ReclensFmPairs';
export const FM_PAIRS_GRAD = 'ReclensFmPairsGrad';

// pairs(s, q, out, rows, k) and grad(dy, s, ds, dq, rows, k); addresses in bytes, advanced as read.
/** out[b] = (0 + sum over k of (s * s - q)) * 0.5. */
function pairsBody(): number[] {
  const [S, Q, OUT, ROWS, K] = [0, 1, 2, 3, 4];
  const [B, J, ACC, V] = [5, 6, 7, 8];
  // prettier-ignore
  const lane = [
    ...get(ACC), ...get(S), ...F32_LOAD, ...set(V), ...get(V), ...get(V), ...F32_MUL, ...get(Q), ...F32_LOAD, ...F32_SUB, ...F32_ADD, ...set(ACC),
    ...bump(S, i32Const(4)), ...bump(Q, i32Const(4)), ...bump(J, i32Const(1)),
  ];
  // prettier-ignore
  const row = [
    ...f32Const(0), ...set(ACC), ...i32Const(0), ...set(J), ...whileLess(get(J), get(K), lane),
    ...get(OUT), ...get(ACC), ...f32Const(0.5), ...F32_MUL, ...F32_STORE,
    ...bump(OUT, i32Const(4)), ...bump(B, i32Const(1)),
  ];
  return funcBody(
    [
      [2, I32],
      [2, F32],
    ],
    whileLess(get(B), get(ROWS), row),
  );
}

/** g = dy[b] * 0.5; ds = g * (s * 2); dq = -g. */
function gradBody(): number[] {
  const [DY, S, DS, DQ, ROWS, K] = [0, 1, 2, 3, 4, 5];
  const [B, J, G] = [6, 7, 8];
  // prettier-ignore
  const lane = [
    ...get(DS), ...get(G), ...get(S), ...F32_LOAD, ...f32Const(2), ...F32_MUL, ...F32_MUL, ...F32_STORE,
    ...get(DQ), ...get(G), ...F32_NEG, ...F32_STORE,
    ...bump(S, i32Const(4)), ...bump(DS, i32Const(4)), ...bump(DQ, i32Const(4)), ...bump(J, i32Const(1)),
  ];
  // prettier-ignore
  const row = [
    ...get(DY), ...F32_LOAD, ...f32Const(0.5), ...F32_MUL, ...set(G), ...i32Const(0), ...set(J), ...whileLess(get(J), get(K), lane),
    ...bump(DY, i32Const(4)), ...bump(B, i32Const(1)),
  ];
  return funcBody(
    [
      [2, I32],
      [1, F32],
    ],
    whileLess(get(B), get(ROWS), row),
  );
}

type Fn = (...args: number[]) => void;
const moduleFor = modulePerMemory((memory): { pairs: Fn; grad: Fn } | null => {
  const e = instantiateOverMemory(memory, [
    { name: 'pairs', params: Array<number>(5).fill(I32), body: pairsBody() },
    { name: 'grad', params: Array<number>(6).fill(I32), body: gradBody() },
  ]);
  return e ? { pairs: e.pairs, grad: e.grad } : null;
});

function pairsKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { s, q } = inputs as Record<string, tf.TensorInfo>;
  const [rows, k] = s.shape;
  const out = b.makeOutput([rows], 'float32');
  if (rows > 0) moduleFor(b)!.pairs(heapAddress(b, s), heapAddress(b, q), heapAddress(b, out), rows, k);
  return out;
}

function gradKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const b = backend as WasmKernelBackend;
  const { dy, s } = inputs as Record<string, tf.TensorInfo>;
  const [rows, k] = s.shape;
  const outs = [b.makeOutput(s.shape, 'float32'), b.makeOutput(s.shape, 'float32')];
  if (rows * k > 0) moduleFor(b)!.grad(heapAddress(b, dy), heapAddress(b, s), heapAddress(b, outs[0]), heapAddress(b, outs[1]), rows, k);
  return outs;
}

let installed = false;

/** Whether the kernels serve float32 sums [B, K] on the current backend (registering them once). */
export function fmPairsKernelsReady(s: tf.Tensor): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: FM_PAIRS, backendName: 'wasm', kernelFunc: pairsKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: FM_PAIRS_GRAD, backendName: 'wasm', kernelFunc: gradKernel as unknown as tf.KernelFunc });
  }
  return tf.getBackend() === 'wasm' && s.dtype === 'float32' && s.rank === 2 && moduleFor(tf.backend()) !== null;
}
