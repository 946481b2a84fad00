/**
 * The multi-task optimiser's whole step as one tfjs kernel ('ReclensMultiTaskStep') on the cpu and
 * wasm backends: every parameter, every task's gradient of it, the flat moments and the flat AU of
 * each task in; the new parameters, moments and AU out (multiTaskStepWasmModule.ts: the same float32
 * operations as MultiTaskOptimizer's tensor ops, so the same bits). The tensor ops took ~60
 * kernels a step for MMoE (the gradients concatenated into flat tensors, ~10 element-wise passes
 * per task over 78k values, the total sliced back per variable, the AU's 4 per task); this reads
 * each value once where it lies and writes each result once. Other backends, and wasm without
 * SIMD, keep the tensor ops (multiTaskStepAvailable is false there).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  elementStep,
  JS_LANE,
  momentCounts,
  multiTaskStepWasm,
  STEP_CONSTANTS,
  streamCounts,
  type StepConstants,
  type StepShape,
  type StepWasmFunction,
} from './multiTaskStepWasmModule.ts';
import { modulePerMemory, type CpuKernelBackend, type WasmKernelBackend } from './kernelBackends.ts';

export type { StepConstants, StepShape } from './multiTaskStepWasmModule.ts';

const KERNEL = 'ReclensMultiTaskStep';

/** Attributes: the shape, every parameter's size and the step's constants. */
interface Attrs {
  shape: StepShape;
  sizes: number[];
  constants: StepConstants;
  /** Write the new moments and AU over the old ones (the new params are the only outputs). */
  inPlace: boolean;
}

/** One parameter group's step: per parameter its value and each task's gradient; flat moments and AU over the group. */
export interface StepInputs {
  params: tf.Tensor[];
  /** grads[k][i]: task k's gradient of params[i]. */
  grads: readonly (readonly tf.Tensor[])[];
  /** momentCounts' first then second moments, each over all params end to end. */
  moments: tf.Tensor[];
  /** Per task when the shape tracks AU, else empty. */
  au: tf.Tensor[];
}

export interface StepOutputs {
  params: tf.Tensor[];
  moments: tf.Tensor[];
  au: tf.Tensor[];
}

/** Reads the inputs in the kernel's order: per param its value then each task's gradient; then moments, then AU. */
function flatInputs(inputs: StepInputs): tf.Tensor[] {
  return [...inputs.params.flatMap((p, i) => [p, ...inputs.grads.map((g) => g[i])]), ...inputs.moments, ...inputs.au];
}

/** Views of every stream of param i: [x, g[k], first, second, au, x', first', second', au'] and its offset into the flat ones. */
function streamsOf<A>(all: A[], outs: A[], i: number, a: Attrs): { streams: A[]; flatOffset: number } {
  const T = a.shape.tasks;
  const P = a.sizes.length;
  const flatIn = all.slice(P * (1 + T));
  const flatOut = outs.slice(P);
  const perParam = all.slice(i * (1 + T), (i + 1) * (1 + T));
  const flatOffset = a.sizes.slice(0, i).reduce((s, n) => s + n, 0);
  return { streams: [...perParam, ...flatIn, outs[i], ...flatOut], flatOffset };
}

/** Elements [from, to) of one param, Math.fround after every operation; flat streams read at offset + j. */
function jsElements(arrays: Float32Array[], flatOffset: number, from: number, to: number, a: Attrs): void {
  const s = a.shape;
  const { first, second } = momentCounts(s.kind, s.tasks);
  const { inputs } = streamCounts(s);
  const c = a.constants;
  const au = s.au ? s.tasks : 0;
  const isFlat = (j: number) => (j < inputs ? j > s.tasks : j > inputs);
  for (let j = from; j < to; j++) {
    const v = (k: number) => arrays[k][isFlat(k) ? flatOffset + j : j];
    let next = 0;
    const take = (n: number) => Array.from({ length: n }, () => v(next++));
    const out = elementStep(JS_LANE, s, c, { x: take(1)[0], g: take(s.tasks), first: take(first), second: take(second), au: take(au) });
    [out.x, ...out.first, ...out.second, ...out.au].forEach((value, k) => {
      arrays[inputs + k][isFlat(inputs + k) ? flatOffset + j : j] = value;
    });
  }
}

/** Per memory, one function per shape, made when first asked for. */
const stepsPerMemory = modulePerMemory((memory) => {
  const byShape = new Map<string, StepWasmFunction | null>();
  return (s: StepShape): StepWasmFunction | null => {
    const key = `${s.kind}/${s.tasks}/${s.au}`;
    let fn = byShape.get(key);
    if (fn === undefined) byShape.set(key, (fn = multiTaskStepWasm(memory, s)));
    return fn;
  };
});

/** The SIMD step of this shape over this backend's memory; null where it cannot be had. */
const moduleOf = (backend: unknown, s: StepShape): StepWasmFunction | null => stepsPerMemory(backend)?.(s) ?? null;

/** The inputs an in-place step overwrites, in the outputs' order: the flat moments and AU. */
function updatedOf<A>(inputs: A[], a: Attrs): A[] {
  return inputs.slice(a.sizes.length * (1 + a.shape.tasks));
}

/** Output shapes: each param's, then a flat [total] per moment and AU. */
function outputShapes(inputs: tf.TensorInfo[], a: Attrs): number[][] {
  const T = a.shape.tasks;
  const P = a.sizes.length;
  const flat = inputs.slice(P * (1 + T));
  return [...a.sizes.map((_, i) => inputs[i * (1 + T)].shape), ...flat.map((t) => t.shape)];
}

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const a = args.attrs as unknown as Attrs;
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as WasmKernelBackend;
  const shapes = outputShapes(inputs, a);
  const outs = (a.inPlace ? shapes.slice(0, a.sizes.length) : shapes).map((shape) => backend.makeOutput(shape, 'float32'));
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const inViews = inputs.map((t) => backend.typedArrayFromHeap(t));
  const outViews = [...outs.map((t) => backend.typedArrayFromHeap(t)), ...(a.inPlace ? updatedOf(inViews, a) : [])];
  const run = moduleOf(backend, a.shape)!;
  // Addresses in streamsOf's order, the flat streams' moved to each param's part.
  const T = a.shape.tasks;
  const P = a.sizes.length;
  const [inAt, outAt] = [inViews, outViews].map((views) => views.map((v) => v.byteOffset));
  const [flatIn, flatOut] = [inAt.slice(P * (1 + T)), outAt.slice(P)];
  const constants = STEP_CONSTANTS.map((name) => a.constants[name]);
  let flatOffset = 0;
  a.sizes.forEach((n, i) => {
    const simd = n - (n % 4);
    const shift = (at: number) => at + 4 * flatOffset;
    if (simd > 0) run(simd * 4, ...inAt.slice(i * (1 + T), (i + 1) * (1 + T)), ...flatIn.map(shift), outAt[i], ...flatOut.map(shift), ...constants);
    if (simd < n) jsElements(streamsOf(inViews, outViews, i, a).streams, flatOffset, simd, n, a);
    flatOffset += n;
  });
  return outs;
}

function cpuKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const a = args.attrs as unknown as Attrs;
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const backend = args.backend as CpuKernelBackend;
  const shapes = outputShapes(inputs, a);
  const inValues = inputs.map((t) => backend.data.get(t.dataId).values);
  const outValues = shapes.map((shape) => new Float32Array(shape.reduce((s, n) => s * n, 1)));
  a.sizes.forEach((n, i) => {
    const { streams, flatOffset } = streamsOf(inValues, outValues, i, a);
    jsElements(streams, flatOffset, 0, n, a);
  });
  return outValues.map((values, i) => backend.makeTensorInfo(shapes[i], 'float32', values));
}

let installed = false;

/** Registers the kernel on cpu and wasm (once). */
export function installMultiTaskStepKernel(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc });
}

/** Whether the current backend runs the kernel (on wasm: with its SIMD module). */
export function multiTaskStepAvailable(shape: StepShape): boolean {
  installMultiTaskStepKernel();
  const name = tf.getBackend();
  if (name === 'cpu') return true;
  return name === 'wasm' && moduleOf(tf.backend(), shape) !== null;
}

function checkedInputs(shape: StepShape, inputs: StepInputs): { sizes: number[]; named: Record<string, tf.Tensor> } {
  const { first, second } = momentCounts(shape.kind, shape.tasks);
  const sizes = inputs.params.map((p) => p.size);
  const total = sizes.reduce((s, n) => s + n, 0);
  const flat = [...inputs.moments, ...inputs.au];
  if (inputs.grads.length !== shape.tasks || inputs.moments.length !== first + second || inputs.au.length !== (shape.au ? shape.tasks : 0))
    throw new RangeError(
      `multi-task step: ${inputs.grads.length} gradients, ${inputs.moments.length} moments, ${inputs.au.length} AU for ${JSON.stringify(shape)}`,
    );
  if (inputs.grads.some((g) => g.some((t, i) => t.size !== sizes[i])) || flat.some((t) => t.size !== total))
    throw new RangeError('multi-task step: a gradient, moment or AU differs in size from its parameters');
  const named: Record<string, tf.Tensor> = {};
  flatInputs(inputs).forEach((t, j) => (named[`i${j}`] = t));
  return { sizes, named };
}

function attrs(shape: StepShape, constants: StepConstants, sizes: number[], inPlace: boolean): tf.NamedAttrMap {
  // float32 scalars, as the tensor ops' scalar tensors hold them (the JS lane computes with these).
  const c = Object.fromEntries(STEP_CONSTANTS.map((name) => [name, Math.fround(constants[name])])) as StepConstants;
  return { shape, sizes, constants: c, inPlace } as unknown as tf.NamedAttrMap;
}

/** One step of a parameter group (multiTaskStepAvailable must hold): new tensors, for the caller to assign and dispose. */
export function fusedMultiTaskStep(shape: StepShape, constants: StepConstants, inputs: StepInputs): StepOutputs {
  const { first, second } = momentCounts(shape.kind, shape.tasks);
  const { sizes, named } = checkedInputs(shape, inputs);
  const out = tf.engine().runKernel(KERNEL, named, attrs(shape, constants, sizes, false)) as unknown as tf.Tensor[];
  const P = sizes.length;
  return { params: out.slice(0, P), moments: out.slice(P, P + first + second), au: out.slice(P + first + second) };
}

/** What the backends count of a tensor's data: the tensors (and variables) that share it. */
interface RefCounting {
  refCount(dataId: tf.DataId): number;
}

/**
 * As fusedMultiTaskStep, with the new moments and AU written over the old ones, where nothing else
 * reads their data (each is its variable's alone: tfjs shares data between a tensor and its
 * reshapes, clones and the variables assigned it, and those must keep their values). Saves ~20
 * allocations and assignments a step. The params still step into new tensors, for the caller to
 * assign: tfjs-backend-wasm's XNNPACK matMul packs its weights once per data id and keeps them, so
 * a param changed in place would be multiplied by its old values on a thread pool.
 * On wasm only: it copies every tf.tensor's values into its heap and every read out of it, where
 * the cpu backend keeps the very array tf.tensor was given (a restored checkpoint's) and hands it
 * to dataSync's callers, who would see it change.
 * Returns the new params; null, doing nothing, on other backends and where some data is shared.
 */
export function multiTaskStepInPlace(shape: StepShape, constants: StepConstants, inputs: StepInputs): tf.Tensor[] | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as RefCounting;
  const updated = [...inputs.moments, ...inputs.au];
  if (updated.some((t) => t.dtype !== 'float32' || backend.refCount(t.dataId) !== 1)) return null;
  const { sizes, named } = checkedInputs(shape, inputs);
  return tf.engine().runKernel(KERNEL, named, attrs(shape, constants, sizes, true)) as unknown as tf.Tensor[];
}
