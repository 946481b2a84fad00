/**
 * A multi-task head's weighted loss w * mean(relu(l) - l y + log1p(exp(-|l|))) and its gradient
 * (sigmoid(l) - y) * (w / n) on wasm in 5 kernels instead of 13: 'ReclensNegAbs' (-|l|), tfjs's
 * Exp, Log1p and Sigmoid (their float32 functions are tfjs-backend-wasm's own: kept), then
 * 'ReclensWeightedBce' for the rest, in JavaScript over the backend's heap (n is a batch: ~1k
 * values). The same float32 operations in tfjs's order (Math.fround after each; the mean adds
 * from +0 in order and divides by n, as wasm's Mean), so the same bits. Other backends get the
 * tensor ops (null here).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { WasmKernelBackend } from './kernelBackends.ts';

const NEG_ABS = 'ReclensNegAbs';
const WEIGHTED_BCE = 'ReclensWeightedBce';

function negAbsKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const backend = args.backend as WasmKernelBackend;
  const out = backend.makeOutput(x.shape, 'float32');
  const [xs, outs] = [x, out].map((t) => backend.typedArrayFromHeap(t));
  for (let i = 0; i < xs.length; i++) outs[i] = -Math.abs(xs[i]);
  return out;
}

/** Inputs: logits l, labels y, lp = log1p(exp(-|l|)), s = sigmoid(l); outputs: the weighted loss (a scalar) and d loss / d l. */
function weightedBceKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { l, y, lp, s } = args.inputs as Record<'l' | 'y' | 'lp' | 's', tf.TensorInfo>;
  const { weight } = args.attrs as unknown as { weight: number };
  const backend = args.backend as WasmKernelBackend;
  const [loss, grad] = [backend.makeOutput([], 'float32'), backend.makeOutput(l.shape, 'float32')];
  const [ls, ys, lps, ss, losses, grads] = [l, y, lp, s, loss, grad].map((t) => backend.typedArrayFromHeap(t));
  const n = ls.length;
  const f = Math.fround;
  // tf.mul's scalars are float32.
  const [w, scale] = [f(weight), f(weight / n)];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = ls[i];
    sum = f(sum + f(f((x > 0 ? x : 0) - f(x * ys[i])) + lps[i]));
    grads[i] = f(f(ss[i] - ys[i]) * scale);
  }
  losses[0] = f(f(sum / n) * w);
  return [loss, grad];
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: NEG_ABS, backendName: 'wasm', kernelFunc: negAbsKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: WEIGHTED_BCE, backendName: 'wasm', kernelFunc: weightedBceKernel as unknown as tf.KernelFunc });
}

/** On wasm, for float32 logits and 0/1 labels (each n): w L and dL/dlogits of w L; null elsewhere. */
export function weightedBceKernels(logits: tf.Tensor1D, labels: tf.Tensor1D, weight: number): { loss: tf.Scalar; dLogits: tf.Tensor1D } | null {
  if (tf.getBackend() !== 'wasm' || logits.dtype !== 'float32' || labels.dtype !== 'float32' || logits.size !== labels.size) return null;
  install();
  return tf.tidy(() => {
    const lp = tf.log1p(tf.exp(tf.engine().runKernel(NEG_ABS, { x: logits }) as tf.Tensor1D));
    const [loss, dLogits] = tf.engine().runKernel(WEIGHTED_BCE, { l: logits, y: labels, lp, s: tf.sigmoid(logits) }, { weight }) as unknown as [
      tf.Scalar,
      tf.Tensor1D,
    ];
    return { loss, dLogits };
  });
}
