/**
 * A Slice kernel for tfjs-backend-wasm that reads its input in place. tfjs-backend-wasm 4.22's
 * own starts with readSync(x), which copies the whole input out of the heap before taking the
 * slice: the multi-task optimiser slices each variable's update out of one flat tensor (17 slices
 * of a 78k-value tensor an MMoE step copied 1.3M values for 78k). Here the slice is copied from
 * a view of the heap, for a contiguous slice in one piece and for a 2-D slice row by row. Values
 * are moved, never computed: the results are the same bits. Strings and other ranks go to the
 * original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** What this kernel reads of tfjs-backend-wasm's BackendWasm (public methods of the class). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let installed = false;

/** Replaces the wasm backend's Slice kernel (once; call before training on wasm). */
export function installWasmSlice(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('Slice', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { begin, size } = args.attrs as { begin: number | number[]; size?: number | number[] };
      if (x.dtype === 'string' || x.shape.length === 0 || x.shape.length > 2) return original.kernelFunc(args);
      const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
      const backend = args.backend as unknown as WasmHeapBackend;
      const out = backend.makeOutput(s, x.dtype);
      // Views after makeOutput: allocating can grow (and so move) the heap.
      const [from, to] = [backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out)];
      const cols = x.shape.length === 2 ? x.shape[1] : 1;
      if (tf.slice_util.isSliceContinous(x.shape, b, s)) {
        const start = x.shape.length === 2 ? b[0] * cols + b[1] : b[0];
        to.set(from.subarray(start, start + to.length));
      } else {
        for (let r = 0; r < s[0]; r++) {
          const start = (b[0] + r) * cols + b[1];
          to.set(from.subarray(start, start + s[1]), r * s[1]);
        }
      }
      return out;
    },
  });
}
