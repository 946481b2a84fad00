/**
 * What the hand-assembled kernels read of tfjs's backends, and their modules, one per memory.
 * The members are public in tfjs-backend-wasm's BackendWasm and tfjs-backend-cpu's MathBackendCPU.
 */
import type * as tf from '@tensorflow/tfjs';

export interface WasmKernelBackend {
  /** Emscripten's module: the threaded build names its memory wasmMemory, the plain one exports asm.memory. */
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; _malloc(bytes: number): number; _free(address: number): void };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  /** Frees an output that a failed kernel will not return. */
  disposeData(dataId: tf.DataId): boolean;
}

/** A kernel function's arguments as tfjs passes them. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** A tensor's byte address in the wasm heap (read after any allocation: the heap can move). */
export const heapAddress = (backend: WasmKernelBackend, t: tf.TensorInfo): number => backend.typedArrayFromHeap(t).byteOffset;

export interface CpuKernelBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

export function wasmMemoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as Partial<WasmKernelBackend>).wasm;
  return wasm?.wasmMemory ?? wasm?.asm?.memory;
}

/**
 * `make`'s module over a backend's memory, made once per memory (the threaded build's memory is
 * shared by its threads; the plain one has its own); null where there is no memory or `make`
 * could not compile (no SIMD): then the caller runs tfjs's ops.
 */
export function modulePerMemory<M>(make: (memory: WebAssembly.Memory) => M | null): (backend: unknown) => M | null {
  const modules = new WeakMap<WebAssembly.Memory, M | null>();
  return (backend) => {
    const memory = wasmMemoryOf(backend);
    if (!memory) return null;
    let module = modules.get(memory);
    if (module === undefined) modules.set(memory, (module = make(memory)));
    return module;
  };
}
