/**
 * A float32 tensor's values for JavaScript to read without a copy where the backend allows it: on
 * tfjs-backend-wasm a view of the backend's heap (its typedArrayFromHeap, as wasmTranspose.ts
 * uses), elsewhere dataSync() (cpu: the backend's own array; webgl/webgpu: a read-back).
 *
 * A heap view is only good until the backend next allocates (growing the heap moves it): read it,
 * then make tensors. Never write to valuesInPlace's view: it is the tensor's storage (filledTensors
 * gives new tensors to write).
 */
import * as tf from '@tensorflow/tfjs';

/** What this reads of tfjs-backend-wasm's BackendWasm (a public method of the class). */
interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export function valuesInPlace(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new TypeError(`valuesInPlace reads float32 tensors, got ${t.dtype}`);
  if (tf.getBackend() === 'wasm') return (tf.backend() as unknown as WasmHeapBackend).typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
}

/**
 * New float32 tensors of `shapes`, zero, that `fill` writes in place: on wasm views of the heap,
 * taken after every tensor is made (making one can move the heap), on cpu the backend's own
 * arrays; elsewhere arrays that become the tensors after. No copy out of JavaScript on wasm and cpu.
 */
export function filledTensors(shapes: number[][], fill: (values: Float32Array[]) => void): tf.Tensor[] {
  if (tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu') {
    const tensors = shapes.map((shape) => tf.fill(shape, 0, 'float32'));
    fill(tensors.map(valuesInPlace));
    return tensors;
  }
  const arrays = shapes.map((shape) => new Float32Array(shape.reduce((n, k) => n * k, 1)));
  fill(arrays);
  return arrays.map((values, i) => tf.tensor(values, shapes[i]));
}
