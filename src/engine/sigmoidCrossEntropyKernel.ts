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
 * dispatch a step; these are JS loops on the backend's memory (n is the batch).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { WasmKernelBackend } from './kernelBackends.ts';

export const SIGMOID_CROSS_ENTROPY = 'ReclensSigmoidCrossEntropy';
export const SIGMOID_CROSS_ENTROPY_GRAD = 'ReclensSigmoidCrossEntropyGrad';

const f = Math.fround;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

function lossKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { x, z, lp } = inputs as Record<string, tf.TensorInfo>;
  const out = b.makeOutput([], 'float32');
  const [xs, zs, lps, o] = [x, z, lp, out].map((t) => b.typedArrayFromHeap(t));
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum = f(sum + f(f(Math.max(xs[i], 0) - f(xs[i] * zs[i])) + lps[i]));
  o[0] = f(sum / xs.length);
  return out;
}

function gradKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { dy, x, z, e } = inputs as Record<string, tf.TensorInfo>;
  const out = b.makeOutput(x.shape, 'float32');
  const [dys, xs, zs, es, dx] = [dy, x, z, e, out].map((t) => b.typedArrayFromHeap(t));
  const g = f(dys[0] / xs.length);
  for (let i = 0; i < xs.length; i++) {
    const positive = xs[i] > 0;
    const abs = f(-f(f(g / f(es[i] + 1)) * es[i]) * (positive ? 1 : -1));
    dx[i] = f(f(abs + f(-g * zs[i])) + (positive ? g : f(g * 0)));
  }
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
  return tf.getBackend() === 'wasm' && labels.dtype === 'float32' && logits.dtype === 'float32' && logits.rank === 1 && labels.size === logits.size;
}
