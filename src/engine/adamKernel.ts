/**
 * Adam's update of one variable as one tfjs kernel ('ReclensAdam': inputs x, g, m, v; outputs the
 * new x, m, v; attrs the step's AdamConstants) on the cpu and wasm backends, with the same float32
 * operations in the same order as the tensor ops of its `order` (adamWasmModule.ts: tfjs's
 * AdamOptimizer for the CTR and multi-task trainers, torch.optim.Adam for the sequence trainer;
 * both with the coupled decay g + x * weightDecay first), so the results are bit-identical to them.
 * The tensor ops cost ~12 kernels per variable, each writing a tensor of the variable's size; this
 * reads each input once and writes each output once. On wasm the loop is WebAssembly SIMD over the
 * backend's memory; on cpu, and for a variable's last size % 4 values, plain JS with Math.fround
 * after every operation. Other backends, and wasm without SIMD, get the composed tensor ops.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { adamWasm, constantArgs, type AdamConstants } from './adamWasmModule.ts';
import { modulePerMemory, type CpuKernelBackend, type WasmKernelBackend } from './kernelBackends.ts';

export type { AdamConstants } from './adamWasmModule.ts';

const KERNEL = 'ReclensAdam';
const f = Math.fround;

/** The update of elements [from, to) with float32 rounding after every operation, in `c.order`'s order. */
export function adamElements(
  x: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: [Float32Array, Float32Array, Float32Array],
  from: number,
  to: number,
  c: AdamConstants,
): void {
  const [xo, mo, vo] = out;
  const [wd, b1, c1, b2, c2, eps] = [c.weightDecay, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.epsilon].map(f);
  const decay = c.weightDecay > 0;
  const tfjs = c.order === 'tfjs';
  // tfjs: (m' / a1) / (sqrt(v' / a2) + eps) * p + x with p = -lr; torch: x - (m' / (sqrt(v') / a2 + eps)) * p with a2 = sqrt(c2), p = lr / c1.
  const [a1, a2, p] = (c.order === 'tfjs' ? [c.oneMinusAccBeta1, c.oneMinusAccBeta2, c.negLr] : [1, c.sqrtC2, c.stepSize]).map(f);
  for (let i = from; i < to; i++) {
    const xi = x[i];
    const gi = decay ? f(g[i] + f(xi * wd)) : g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = tfjs ? f(f(f(f(mi / a1) / f(f(Math.sqrt(f(vi / a2))) + eps)) * p) + xi) : f(xi - f(f(mi / f(f(f(Math.sqrt(vi)) / a2) + eps)) * p));
  }
}

interface Inputs {
  x: tf.TensorInfo;
  g: tf.TensorInfo;
  m: tf.TensorInfo;
  v: tf.TensorInfo;
}

const moduleOf = modulePerMemory(adamWasm);

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x, g, m, v } = args.inputs as unknown as Inputs;
  const c = args.attrs as unknown as AdamConstants;
  const backend = args.backend as WasmKernelBackend;
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const [xs, gs, ms, vs, xo, mo, vo] = [x, g, m, v, ...outs].map((t) => backend.typedArrayFromHeap(t));
  const module = moduleOf(backend);
  const n = xs.length;
  const simd = module ? n - (n % 4) : 0;
  if (module && simd > 0) {
    const run = c.weightDecay > 0 ? module[c.order].decay : module[c.order].plain;
    run(simd * 4, ...[xs, gs, ms, vs, xo, mo, vo].map((a) => a.byteOffset), ...constantArgs(c));
  }
  adamElements(xs, gs, ms, vs, [xo, mo, vo], simd, n, c);
  return outs;
}

function cpuKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x, g, m, v } = args.inputs as unknown as Inputs;
  const backend = args.backend as CpuKernelBackend;
  const [xs, gs, ms, vs] = [x, g, m, v].map((t) => backend.data.get(t.dataId).values);
  const out: [Float32Array, Float32Array, Float32Array] = [new Float32Array(xs.length), new Float32Array(xs.length), new Float32Array(xs.length)];
  adamElements(xs, gs, ms, vs, out, 0, xs.length, args.attrs as unknown as AdamConstants);
  return out.map((values, i) => backend.makeTensorInfo([x, m, v][i].shape, 'float32', values));
}

let installed = false;

/** Registers the kernel on cpu and wasm (once). */
export function installAdamKernel(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc });
}

/** The same update from tensor ops, for backends without the kernel: `c.order`'s own sequence. */
export function adamComposed(x: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const gd = c.weightDecay > 0 ? tf.add(g, tf.mul(x, c.weightDecay)) : g;
    const m2 = tf.add(tf.mul(m, c.beta1), tf.mul(gd, c.oneMinusBeta1));
    const v2 = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(gd), c.oneMinusBeta2));
    if (c.order === 'torch') {
      const denom = tf.add(tf.div(tf.sqrt(v2), c.sqrtC2), c.epsilon);
      return [tf.sub(x, tf.mul(tf.div(m2, denom), c.stepSize)), m2, v2];
    }
    const step = tf.div(tf.div(m2, c.oneMinusAccBeta1), tf.add(tf.sqrt(tf.div(v2, c.oneMinusAccBeta2)), c.epsilon));
    return [tf.add(tf.mul(step, c.negLr), x), m2, v2];
  });
}

/** [x', m', v'] of one Adam step: the fused kernel where this backend has it. */
export function adamUpdate(x: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  // The kernels read and write x's size of every tensor: a smaller one would be read and written past.
  if (g.size !== x.size || m.size !== x.size || v.size !== x.size)
    throw new RangeError(`Adam: the variable, gradient and moments differ in sizes (${[x, g, m, v].map((t) => t.size).join(', ')})`);
  const name = tf.getBackend();
  // On wasm without the SIMD module the scalar JS loop would be slower than tfjs's own kernels.
  const ready = tf.getKernel(KERNEL, name) && (name !== 'wasm' || moduleOf(tf.backend()));
  if (x.dtype !== 'float32' || !ready) return adamComposed(x, g, m, v, c);
  return tf.engine().runKernel(KERNEL, { x, g, m, v }, c as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
