/**
 * tf.losses.sigmoidCrossEntropy(z, x) (the mean over n of max(x, 0) - x z + log1p(exp(-|x|))) and
 * its gradient as two tfjs-backend-wasm kernels around tfjs's own Exp and Log1p (whose bits a JS
 * loop could not promise), with the float32 operations of the ops they replace in their order:
 * - 'ReclensSigmoidCrossEntropy' (x, z, lp = log1p(exp(-|x|)) to a scalar): from 0, adding
 *   (max(x, 0) - x z) + lp in order, as tfjs-backend-wasm's Sum adds, then divided by n;
 * - 'ReclensSigmoidCrossEntropyGrad' (dy, x, z, e = exp(-|x|) to dx): with g = dy / n (the
 *   division's and the sum's gradients), dx = (Abs's part + Mul's part) + Relu's part, in the
 *   order the tape adds them: ((-((g / (e + 1)) e)) step(x, -1) + (-g) z) + g step(x).
 * The composed loss ran ~10 kernels forward and ~17 backward on 1024 values, ~0.25 ms of
 * dispatch a step; these are one WebAssembly loop each (JS loops took ~0.3 ms a step before V8
 * optimised them).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  bump,
  F32,
  F32_ADD,
  F32_DIV,
  F32_GT,
  F32_LOAD,
  F32_MAX,
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
  SELECT,
  set,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend, type KernelArgs, heapAddress } from './kernelBackends.ts';

export const SIGMOID_CROSS_ENTROPY = 'ReclensSigmoidCrossEntropy';
export const SIGMOID_CROSS_ENTROPY_GRAD = 'ReclensSigmoidCrossEntropyGrad';

const F32_CONVERT_I32 = [0xb2];
const next = (...pointers: number[]) => pointers.flatMap((p) => bump(p, i32Const(4)));

/** loss(x, z, lp, out, n): out = (0 + sum over i of (max(x, 0) - x z) + lp) / n. */
function lossBody(): number[] {
  const [X, Z, LP, OUT, N] = [0, 1, 2, 3, 4];
  const [I, ACC, V] = [5, 6, 7];
  // prettier-ignore
  const element = [
    ...get(ACC), ...get(X), ...F32_LOAD, ...set(V), ...get(V), ...f32Const(0), ...F32_MAX, ...get(V), ...get(Z), ...F32_LOAD, ...F32_MUL, ...F32_SUB,
    ...get(LP), ...F32_LOAD, ...F32_ADD, ...F32_ADD, ...set(ACC),
    ...next(X, Z, LP), ...bump(I, i32Const(1)),
  ];
  const body = [
    ...f32Const(0),
    ...set(ACC),
    ...whileLess(get(I), get(N), element),
    ...get(OUT),
    ...get(ACC),
    ...get(N),
    ...F32_CONVERT_I32,
    ...F32_DIV,
    ...F32_STORE,
  ];
  return funcBody(
    [
      [1, I32],
      [2, F32],
    ],
    body,
  );
}

/** grad(dy, x, z, e, dx, n): g = dy / n; dx = ((-((g / (e + 1)) e)) (x > 0 ? 1 : -1) + (-g) z) + (x > 0 ? g : g 0). */
function gradBody(): number[] {
  const [DY, X, Z, E, DX, N] = [0, 1, 2, 3, 4, 5];
  const [I, POSITIVE, G, EV] = [6, 7, 8, 9];
  // prettier-ignore
  const element = [
    ...get(X), ...F32_LOAD, ...f32Const(0), ...F32_GT, ...set(POSITIVE),
    ...get(E), ...F32_LOAD, ...set(EV),
    ...get(DX),
    ...get(G), ...get(EV), ...f32Const(1), ...F32_ADD, ...F32_DIV, ...get(EV), ...F32_MUL, ...F32_NEG,
    ...f32Const(1), ...f32Const(-1), ...get(POSITIVE), ...SELECT, ...F32_MUL,
    ...get(G), ...F32_NEG, ...get(Z), ...F32_LOAD, ...F32_MUL, ...F32_ADD,
    ...get(G), ...get(G), ...f32Const(0), ...F32_MUL, ...get(POSITIVE), ...SELECT, ...F32_ADD,
    ...F32_STORE,
    ...next(X, Z, E, DX), ...bump(I, i32Const(1)),
  ];
  const setup = [...get(DY), ...F32_LOAD, ...get(N), ...F32_CONVERT_I32, ...F32_DIV, ...set(G)];
  return funcBody(
    [
      [2, I32],
      [2, F32],
    ],
    [...setup, ...whileLess(get(I), get(N), element)],
  );
}

type Fn = (...args: number[]) => void;
const moduleFor = modulePerMemory((memory): { loss: Fn; grad: Fn } | null => {
  const e = instantiateOverMemory(memory, [
    { name: 'loss', params: Array<number>(5).fill(I32), body: lossBody() },
    { name: 'grad', params: Array<number>(6).fill(I32), body: gradBody() },
  ]);
  return e ? { loss: e.loss, grad: e.grad } : null;
});

function lossKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { x, z, lp } = inputs as Record<string, tf.TensorInfo>;
  const out = b.makeOutput([], 'float32');
  moduleFor(b)!.loss(heapAddress(b, x), heapAddress(b, z), heapAddress(b, lp), heapAddress(b, out), x.shape[0]);
  return out;
}

function gradKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { dy, x, z, e } = inputs as Record<string, tf.TensorInfo>;
  const out = b.makeOutput(x.shape, 'float32');
  moduleFor(b)!.grad(heapAddress(b, dy), heapAddress(b, x), heapAddress(b, z), heapAddress(b, e), heapAddress(b, out), x.shape[0]);
  return out;
}

let installed = false;

/** Whether the kernels serve float32 labels and logits on the current backend (registering them once). */
export function sigmoidCrossEntropyKernelsReady(labels: tf.Tensor, logits: tf.Tensor): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: SIGMOID_CROSS_ENTROPY, backendName: 'wasm', kernelFunc: lossKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: SIGMOID_CROSS_ENTROPY_GRAD, backendName: 'wasm', kernelFunc: gradKernel as unknown as tf.KernelFunc });
  }
  const shapes = logits.rank === 1 && logits.size > 0 && labels.size === logits.size;
  return tf.getBackend() === 'wasm' && shapes && labels.dtype === 'float32' && logits.dtype === 'float32' && moduleFor(tf.backend()) !== null;
}
