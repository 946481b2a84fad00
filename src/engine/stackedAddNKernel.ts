/**
 * tf.addN([the T tasks' B x n tensors stacked by rows, ...T*B x n tensors]) as one kernel
 * ('ReclensStackedAddN') on wasm: each sum from +0 in the inputs' order, as tfjs-backend-wasm's AddN
 * adds, so the same bits, without the concat that stacked the tasks first (MMoE's trunk adds its
 * gates' input cotangents, one per task, to the experts' stacked ones). WebAssembly SIMD over the
 * backend's heap; other backends, and wasm without SIMD, get the tensor ops.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';
import {
  F32X4_ADD,
  funcBody,
  get,
  I32,
  I32_ADD,
  i32Const,
  instantiateOverMemory,
  set,
  V128,
  V128_LOAD,
  V128_STORE,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';

const KERNEL = 'ReclensStackedAddN';

/** (bytes, out, a_0, ..., a_{m-1}): out = ((+0 + a_0) + a_1) + ... over `bytes` (a multiple of 16). */
type SumWasm = (...args: number[]) => void;

function sumBody(m: number): number[] {
  const [BYTES, OUT] = [0, 1];
  const term = (j: number) => 2 + j;
  const [I, ACC] = [2 + m, 3 + m];
  const at = (base: number) => [...get(base), ...get(I), ...I32_ADD];
  // prettier-ignore
  const step = [
    ...V128_ZERO, ...set(ACC),
    ...Array.from({ length: m }, (_, j) => [...get(ACC), ...at(term(j)), ...V128_LOAD, ...F32X4_ADD, ...set(ACC)]).flat(),
    ...at(OUT), ...get(ACC), ...V128_STORE,
    ...get(I), ...i32Const(16), ...I32_ADD, ...set(I),
  ];
  return funcBody(
    [
      [1, I32],
      [1, V128],
    ],
    whileLess(get(I), get(BYTES), step),
  );
}

/** Per memory, the sum of m terms, made when first asked for. */
const sumsPerMemory = modulePerMemory((memory) => {
  const byTerms = new Map<number, SumWasm | null>();
  return (m: number): SumWasm | null => {
    let fn = byTerms.get(m);
    if (fn === undefined) {
      const exports = instantiateOverMemory(memory, [{ name: 'sum', params: Array<number>(2 + m).fill(I32), body: sumBody(m) }]);
      byTerms.set(m, (fn = exports ? exports.sum : null));
    }
    return fn;
  };
});

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { tasks } = args.attrs as unknown as { tasks: number };
  const all = Object.values(args.inputs) as tf.TensorInfo[];
  const [perTask, full] = [all.slice(0, tasks), all.slice(tasks)];
  const backend = args.backend as WasmKernelBackend;
  const [B, n] = perTask[0].shape;
  const out = backend.makeOutput([tasks * B, n], 'float32');
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const [outView, ...views] = [out, ...all].map((t) => backend.typedArrayFromHeap(t));
  const run = sumsPerMemory(backend)!(1 + full.length)!;
  const size = B * n;
  const simd = size - (size % 4);
  for (let k = 0; k < tasks; k++) {
    const terms = [views[k], ...views.slice(tasks).map((v) => v.subarray(k * size, (k + 1) * size))];
    const dest = outView.subarray(k * size, (k + 1) * size);
    if (simd > 0) run(simd * 4, dest.byteOffset, ...terms.map((v) => v.byteOffset));
    for (let i = simd; i < size; i++) dest[i] = terms.reduce((acc, v) => Math.fround(acc + v[i]), 0);
  }
  return out;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
}

/** tf.addN of perTask's tensors stacked by rows and then `full`'s, by tensor ops. */
export function stackedAddNComposed(perTask: readonly tf.Tensor2D[], full: readonly tf.Tensor2D[]): tf.Tensor2D {
  return tf.tidy(() => tf.addN([perTask.length === 1 ? perTask[0] : tf.concat(perTask as tf.Tensor2D[], 0), ...full]) as tf.Tensor2D);
}

/** tf.addN([perTask stacked by rows (each B x n), ...full (each T*B x n)]): the kernel on wasm with SIMD. */
export function stackedAddN(perTask: readonly tf.Tensor2D[], full: readonly tf.Tensor2D[]): tf.Tensor2D {
  const [B, n] = perTask[0].shape;
  const T = perTask.length;
  if (perTask.some((t) => t.shape[0] !== B || t.shape[1] !== n) || full.some((t) => t.shape[0] !== T * B || t.shape[1] !== n))
    throw new RangeError(`stackedAddN: ${T} tasks of ${B} x ${n} and terms ${full.map((t) => t.shape.join('x')).join(', ')}`);
  install();
  const ready = tf.getBackend() === 'wasm' && sumsPerMemory(tf.backend())?.(1 + full.length);
  if (!ready || [...perTask, ...full].some((t) => t.dtype !== 'float32')) return stackedAddNComposed(perTask, full);
  return tf.engine().runKernel(KERNEL, Object.fromEntries([...perTask, ...full].map((t, j) => [`i${j}`, t])), { tasks: T }) as tf.Tensor2D;
}
