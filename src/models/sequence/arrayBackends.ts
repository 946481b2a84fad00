/**
 * Whether the active tfjs backend keeps tensors where JavaScript reads them cheaply (cpu, wasm:
 * dataSync is a copy out of memory, not a GPU read-back). There the sequence models run their
 * search stage (searchStage.ts) and target attention (fusedAttention.ts) on typed arrays;
 * elsewhere (webgl, webgpu) as tensor ops.
 */
import * as tf from '@tensorflow/tfjs';

const ARRAY_BACKENDS = new Set(['cpu', 'wasm']);

export function arraysAreCheap(): boolean {
  return ARRAY_BACKENDS.has(tf.getBackend());
}
