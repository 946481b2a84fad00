/**
 * Concat and Pack (stack) kernels for tfjs-backend-wasm that copy short runs value by value.
 * tfjs-backend-wasm 4.22 joins tensors by one subarray() and set() per row per input: stacking
 * MMoE's 4 expert outputs (1024 x 32 each) on axis 1 made 4096 subarray views of 32 values, each
 * an object allocation. Runs under 64 values are now copied in a loop, longer ones still by set();
 * the values are moved, never computed, so results are the same bits. Strings go to the original
 * kernels.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** What these kernels read of tfjs-backend-wasm's BackendWasm (public methods of the class). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const SHORT = 64;
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * out = the inputs joined along an axis, seen as batch x inner[i] blocks: for each of `batch`
 * rows, each input's row of inner[i] values in turn.
 */
function join(backend: WasmHeapBackend, inputs: tf.TensorInfo[], inner: number[], batch: number, outShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  // Views after makeOutput: allocating can grow (and so move) the heap.
  const to = backend.typedArrayFromHeap(out);
  const from = inputs.map((t) => backend.typedArrayFromHeap(t));
  const rowLength = inner.reduce((a, b) => a + b, 0);
  for (let i = 0, offset = 0; i < from.length; offset += inner[i], i++) {
    const [src, n] = [from[i], inner[i]];
    if (n === 0) continue;
    for (let b = 0; b < batch; b++) {
      const [s, d] = [b * n, b * rowLength + offset];
      if (n < SHORT) for (let k = 0; k < n; k++) to[d + k] = src[s + k];
      else to.set(src.subarray(s, s + n), d);
    }
  }
  return out;
}

let installed = false;

/** Replaces the wasm backend's Concat and Pack kernels (once; call before training on wasm). */
export function installWasmConcat(): void {
  if (installed) return;
  installed = true;
  const concat = tf.getKernel('Concat', 'wasm');
  const pack = tf.getKernel('Pack', 'wasm');
  if (!concat || !pack) return;
  for (const name of ['Concat', 'Pack']) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...concat,
    kernelFunc: (args) => {
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      if (inputs[0].dtype === 'string') return concat.kernelFunc(args);
      const axis = tf.util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, inputs[0].shape)[0];
      tf.backend_util.assertParamsConsistent(
        inputs.map((t) => t.shape),
        axis,
      );
      const outShape = tf.backend_util.computeOutShape(
        inputs.map((t) => t.shape),
        axis,
      );
      const batch = size(outShape.slice(0, axis));
      return join(
        args.backend as unknown as WasmHeapBackend,
        inputs,
        inputs.map((t) => size(t.shape.slice(axis))),
        batch,
        outShape,
      );
    },
  });
  tf.registerKernel({
    ...pack,
    kernelFunc: (args) => {
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      if (inputs[0].dtype === 'string' || inputs.length === 1) return pack.kernelFunc(args);
      const { axis } = args.attrs as { axis: number };
      const shape = inputs[0].shape;
      for (const t of inputs) {
        tf.util.assertShapesMatch(shape, t.shape, 'All tensors passed to stack must have matching shapes');
        tf.util.assert(t.dtype === inputs[0].dtype, () => 'All tensors passed to stack must have matching dtypes');
      }
      const at = axis < 0 ? axis + shape.length + 1 : axis;
      const outShape = [...shape.slice(0, at), inputs.length, ...shape.slice(at)];
      const inner = size(shape.slice(at));
      return join(
        args.backend as unknown as WasmHeapBackend,
        inputs,
        inputs.map(() => inner),
        size(shape.slice(0, at)),
        outShape,
      );
    },
  });
}
