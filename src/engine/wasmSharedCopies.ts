/**
 * Identity, and Cast to the same dtype, on tfjs-backend-wasm without copying: the output shares
 * the input's data (one more reference), as the cpu backend's Identity and the wasm backend's own
 * Reshape already do. tfjs-backend-wasm 4.22 copies instead, and tfjs clones every tensor a
 * customGrad op saves for its gradient (engine.ts saveFunc: keep(clone(t))), so each affine and
 * batch-norm layer copied its inputs every training step (DeepFM 400-400 at batch 1024: 15
 * copies, ~3 ms a step); ReLU's gradient casts a float32 mask to float32 (2 more). Tensors are
 * immutable and every kernel writes only to outputs it allocates, so sharing cannot change a
 * value. Other casts go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** What these kernels use of tfjs-backend-wasm's BackendWasm (public methods of the class). */
interface WasmRefBackend {
  incRef(dataId: tf.DataId): void;
}

function shared(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as WasmRefBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let installed = false;

/** Replaces the wasm backend's Identity and Cast kernels (once; call before training on wasm). */
export function installWasmSharedCopies(): void {
  if (installed) return;
  installed = true;
  const identity = tf.getKernel('Identity', 'wasm');
  const cast = tf.getKernel('Cast', 'wasm');
  if (!identity || !cast) return;
  for (const name of ['Identity', 'Cast']) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...identity,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      return x.dtype === 'string' ? identity.kernelFunc(args) : shared(x, args.backend);
    },
  });
  tf.registerKernel({
    ...cast,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const dtype = (args.attrs as { dtype: tf.DataType }).dtype;
      return x.dtype === dtype && dtype !== 'string' ? shared(x, args.backend) : cast.kernelFunc(args);
    },
  });
}
