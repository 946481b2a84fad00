/**
 * ExplicitAdam's update of one variable (torch.optim.Adam's order: m' = m b1 + g (1 - b1),
 * v' = v b2 + g^2 (1 - b2), x' = x - (m' / (sqrt(v') / sqrt(c2) + eps)) (lr / c1)) as one tfjs
 * kernel ('ReclensSequenceAdam': inputs x, g, m, v; outputs the new x, m, v) on cpu and wasm, with
 * the float32 operations of the tensor ops in their order, so the results are bit-identical to
 * them. The tensor ops cost ~12 kernels per variable, each writing a tensor of its size; this reads
 * each input once and writes each output once. wasm: WebAssembly SIMD over the backend's memory
 * (adamWasm.ts); cpu, and a variable's last size % 4 values: JS with Math.fround after every
 * operation. Other backends (webgl, webgpu) compose the same tensor ops.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { adamWasm, constantArgs, type AdamConstants, type AdamWasmFunction } from './adamWasm.ts';

export type { AdamConstants } from './adamWasm.ts';

const KERNEL = 'ReclensSequenceAdam';
const f = Math.fround;

/** Elements [from, to) with float32 rounding after every operation, in the tensor ops' order. */
function adamElements(
  x: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: [Float32Array, Float32Array, Float32Array],
  from: number,
  to: number,
  k: AdamConstants,
): void {
  const [xo, mo, vo] = out;
  const [wd, b1, c1, b2, c2, s2, eps, lr] = constantArgs(k).map(f);
  const decay = k.weightDecay > 0;
  for (let i = from; i < to; i++) {
    const xi = x[i];
    const gi = decay ? f(g[i] + f(xi * wd)) : g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = f(xi - f(f(mi / f(f(f(Math.sqrt(vi)) / s2) + eps)) * lr));
  }
}

interface Inputs {
  x: tf.TensorInfo;
  g: tf.TensorInfo;
  m: tf.TensorInfo;
  v: tf.TensorInfo;
}

/** What the wasm kernel reads of tfjs-backend-wasm's BackendWasm (public members of the class). */
interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** One module per memory. */
const modules = new WeakMap<WebAssembly.Memory, { adam: AdamWasmFunction; adamDecay: AdamWasmFunction } | null>();

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x, g, m, v } = args.inputs as unknown as Inputs;
  const k = args.attrs as unknown as AdamConstants;
  const backend = args.backend as WasmBackend;
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const [xs, gs, ms, vs, xo, mo, vo] = [x, g, m, v, ...outs].map((t) => backend.typedArrayFromHeap(t));
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  let module = memory ? modules.get(memory) : null;
  if (memory && module === undefined) modules.set(memory, (module = adamWasm(memory)));
  const n = xs.length;
  const simd = module ? n - (n % 4) : 0;
  if (module && simd > 0) {
    const run = k.weightDecay > 0 ? module.adamDecay : module.adam;
    run(simd * 4, ...[xs, gs, ms, vs, xo, mo, vo].map((a) => a.byteOffset), ...constantArgs(k));
  }
  adamElements(xs, gs, ms, vs, [xo, mo, vo], simd, n, k);
  return outs;
}

function cpuKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x, g, m, v } = args.inputs as unknown as Inputs;
  const backend = args.backend as CpuBackend;
  const [xs, gs, ms, vs] = [x, g, m, v].map((t) => backend.data.get(t.dataId).values);
  const out: [Float32Array, Float32Array, Float32Array] = [new Float32Array(xs.length), new Float32Array(xs.length), new Float32Array(xs.length)];
  adamElements(xs, gs, ms, vs, out, 0, xs.length, args.attrs as unknown as AdamConstants);
  return out.map((values, i) => backend.makeTensorInfo([x, m, v][i].shape, 'float32', values));
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc });
}

/** The same update as tensor ops (the backends without the kernel). */
export function adamStepComposed(x: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, k: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const gd = k.weightDecay > 0 ? tf.add(g, tf.mul(x, k.weightDecay)) : g;
    const m2 = tf.add(tf.mul(m, k.beta1), tf.mul(gd, k.oneMinusBeta1));
    const v2 = tf.add(tf.mul(v, k.beta2), tf.mul(tf.square(gd), k.oneMinusBeta2));
    const denom = tf.add(tf.div(tf.sqrt(v2), k.sqrtC2), k.epsilon);
    return [tf.sub(x, tf.mul(tf.div(m2, denom), k.stepSize)), m2, v2];
  });
}

/** [x', m', v'] of one step: the fused kernel on cpu and wasm, the tensor ops elsewhere. */
export function adamStep(x: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, k: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  // The kernels read and write x's size of every tensor: a smaller one would be read and written past.
  if (g.size !== x.size || m.size !== x.size || v.size !== x.size)
    throw new RangeError(`Adam: the variable, gradient and moments differ in sizes (${[x, g, m, v].map((t) => t.size).join(', ')})`);
  install();
  if (x.dtype !== 'float32' || !tf.getKernel(KERNEL, tf.getBackend())) return adamStepComposed(x, g, m, v, k);
  return tf.engine().runKernel(KERNEL, { x, g, m, v }, k as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
