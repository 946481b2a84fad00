/**
 * tfjs-backend-wasm's heap for hand-assembled kernels that read tensors in place: its memory (whose
 * buffer valuesInPlace's views are of) and its allocator, for a kernel's own scratch space there.
 *
 * malloc can grow the memory, which detaches every view of it: take a view's byteOffset (its
 * address, which growing keeps) before allocating, and new views after.
 */
import * as tf from '@tensorflow/tfjs';

/** What this reads of tfjs-backend-wasm's BackendWasm (its Emscripten module, a public member). */
interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; _malloc(bytes: number): number; _free(address: number): void };
}

export interface WasmHeap {
  memory: WebAssembly.Memory;
  /** The address of `bytes` new bytes. */
  malloc(bytes: number): number;
  free(address: number): void;
}

/** The wasm backend's heap while it is the tfjs backend, else null. */
export function tfjsWasmHeap(): WasmHeap | null {
  if (tf.getBackend() !== 'wasm') return null;
  const wasm = (tf.backend() as unknown as WasmBackend).wasm;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!memory) return null;
  // `>>> 0`: addresses above 2 GB come back negative (as tfjs-backend-wasm's own write does it).
  return { memory, malloc: (bytes) => wasm._malloc(bytes) >>> 0, free: (address) => wasm._free(address) };
}
