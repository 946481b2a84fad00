/**
 * tfjs-backend-wasm's heap for hand-assembled kernels that read tensors in place: its memory (whose
 * buffer valuesInPlace's views are of) and its allocator, for a kernel's own scratch space there.
 *
 * malloc can grow the memory, which detaches every view of it: take a view's byteOffset (its
 * address, which growing keeps) before allocating, and new views after.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmMemoryOf, type WasmKernelBackend } from './kernelBackends.ts';

export interface WasmHeap {
  memory: WebAssembly.Memory;
  /** The address of `bytes` new bytes. */
  malloc(bytes: number): number;
  free(address: number): void;
}

/** The wasm backend's heap while it is the tfjs backend, else null. */
export function tfjsWasmHeap(): WasmHeap | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend();
  const memory = wasmMemoryOf(backend);
  if (!memory) return null;
  const { wasm } = backend as unknown as WasmKernelBackend;
  // `>>> 0`: addresses above 2 GB come back negative (as tfjs-backend-wasm's own write does it).
  return { memory, malloc: (bytes) => wasm._malloc(bytes) >>> 0, free: (address) => wasm._free(address) };
}
