/**
 * The backward of h = relu(z) for T tasks' cotangents stacked by rows ('ReclensStackedReluBackward'):
 * dz = dh * step(h) with h's B x n mask tiled over the T*B x n stack. tfjs's ops took three kernels
 * (step, a concat of T masks, a multiply), each writing a tensor; this is one pass on wasm (WebAssembly
 * SIMD over the backend's heap) and cpu. The same float32 products as tf.mul(dh, tf.step(h)): the
 * mask is 1 where h > 0, NaN where h is NaN (tf.step's), else 0, and dh times it (so -0 where dh < 0
 * meets a 0, as the multiply gives). Other backends, and wasm without SIMD, get the tensor ops.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modulePerMemory, type CpuKernelBackend, type WasmKernelBackend } from './kernelBackends.ts';
import {
  F32,
  F32X4_MUL,
  F32X4_SPLAT,
  funcBody,
  get,
  I32,
  I32_ADD,
  i32Const,
  instantiateOverMemory,
  set,
  stepOf,
  V128,
  V128_LOAD,
  V128_STORE,
  whileLess,
} from './wasmAssembler.ts';

const KERNEL = 'ReclensStackedReluBackward';

/** (bytes, dh, h, out, one): out = dh * mask(h) over `bytes` (a multiple of 16); `one` is 1.0. */
type ReluBackwardWasm = (bytes: number, dh: number, h: number, out: number, one: number) => void;

function reluBackwardBody(): number[] {
  const [BYTES, DH, H, OUT, ONE, I, ONES, HV] = [0, 1, 2, 3, 4, 5, 6, 7];
  const at = (base: number) => [...get(base), ...get(I), ...I32_ADD];
  // prettier-ignore
  const step = [
    ...at(H), ...V128_LOAD, ...set(HV),
    ...at(OUT),
    ...at(DH), ...V128_LOAD,
    ...stepOf(get(HV), get(ONES)),
    ...F32X4_MUL, ...V128_STORE,
    ...get(I), ...i32Const(16), ...I32_ADD, ...set(I),
  ];
  return funcBody(
    [
      [1, I32],
      [2, V128],
    ],
    [...get(ONE), ...F32X4_SPLAT, ...set(ONES), ...whileLess(get(I), get(BYTES), step)],
  );
}

const moduleOf = modulePerMemory((memory) => {
  const exports = instantiateOverMemory(memory, [{ name: 'reluBackward', params: [I32, I32, I32, I32, F32], body: reluBackwardBody() }]);
  return exports ? (exports.reluBackward as ReluBackwardWasm) : null;
});

/** tf.step's value of h, as a float32 factor. */
const mask = (h: number) => (h > 0 ? 1 : h !== h ? NaN : 0);

/** out[i] = dh[i] * mask(h[i mod h.length]) for i in [from, to). */
function jsElements(dh: Float32Array, h: Float32Array, out: Float32Array, from: number, to: number): void {
  const n = h.length;
  for (let i = from; i < to; i++) out[i] = dh[i] * mask(h[i % n]);
}

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { dh, h } = args.inputs as { dh: tf.TensorInfo; h: tf.TensorInfo };
  const backend = args.backend as WasmKernelBackend;
  const out = backend.makeOutput(dh.shape, 'float32');
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const [dhs, hs, outs] = [dh, h, out].map((t) => backend.typedArrayFromHeap(t));
  const run = moduleOf(backend)!;
  const n = hs.length;
  const simd = n - (n % 4);
  for (let from = 0; from < dhs.length; from += n) {
    if (simd > 0) run(simd * 4, dhs.byteOffset + 4 * from, hs.byteOffset, outs.byteOffset + 4 * from, 1);
    jsElements(dhs, hs, outs, from + simd, from + n);
  }
  return out;
}

function cpuKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { dh, h } = args.inputs as { dh: tf.TensorInfo; h: tf.TensorInfo };
  const backend = args.backend as CpuKernelBackend;
  const [dhs, hs] = [dh, h].map((t) => backend.data.get(t.dataId).values);
  const out = new Float32Array(dhs.length);
  jsElements(dhs, hs, out, 0, dhs.length);
  return backend.makeTensorInfo(dh.shape, 'float32', out);
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc });
}

/** dh * step(h) with h (B x n) tiled down dh (T*B x n) by tensor ops. */
export function stackedReluBackwardComposed(dh: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = tf.step(h);
    const T = dh.shape[0] / h.shape[0];
    return tf.mul(
      dh,
      T === 1
        ? m
        : tf.concat(
            Array.from({ length: T }, () => m),
            0,
          ),
    ) as tf.Tensor2D;
  });
}

/** dh * step(h), h's rows tiled T = dh rows / h rows times: the kernel on cpu and on wasm with SIMD. */
export function stackedReluBackward(dh: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  if (dh.shape[1] !== h.shape[1] || dh.shape[0] % h.shape[0] !== 0)
    throw new RangeError(`relu backward: cotangents ${dh.shape} are not a stack of activations ${h.shape}`);
  install();
  const name = tf.getBackend();
  const ready = name === 'cpu' || (name === 'wasm' && moduleOf(tf.backend()) !== null);
  if (!ready || dh.dtype !== 'float32' || h.dtype !== 'float32') return stackedReluBackwardComposed(dh, h);
  return tf.engine().runKernel(KERNEL, { dh, h }) as tf.Tensor2D;
}
