/**
 * Local field indices (int32 [B, F]) plus each field's first row (int32 [F]): the rows of the
 * concatenated embedding table (models/embeddings.ts globalRows), as a tfjs-backend-wasm kernel
 * ('ReclensAddFieldOffsets'). tfjs-backend-wasm's int32 Add broadcasts [F] over the rows in its
 * generic loop, ~0.15 ms for 1024 x 26; this is one WebAssembly loop (a JS loop took ~0.1 ms).
 * int32 additions, wrapping as tfjs's do: the same values.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  bump,
  funcBody,
  get,
  I32,
  I32_ADD,
  I32_GE_U,
  I32_SHL,
  i32Const,
  i32Load,
  i32Store,
  ifElse,
  instantiateOverMemory,
  set,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';

export const ADD_FIELD_OFFSETS = 'ReclensAddFieldOffsets';

// add(indices, offsets, out, n, fields): out[i] = indices[i] + offsets[i % fields], addresses in bytes.
const [X, O, Y, N, FIELDS] = [0, 1, 2, 3, 4];
const [I, F] = [5, 6];
// prettier-ignore
const element = [
  ...get(Y), ...get(X), ...i32Load(), ...get(O), ...get(F), ...i32Const(2), ...I32_SHL, ...I32_ADD, ...i32Load(), ...I32_ADD, ...i32Store(),
  ...bump(X, i32Const(4)), ...bump(Y, i32Const(4)), ...bump(I, i32Const(1)), ...bump(F, i32Const(1)),
  ...ifElse([...get(F), ...get(FIELDS), ...I32_GE_U], [...i32Const(0), ...set(F)]),
];

type AddFunction = (indices: number, offsets: number, out: number, n: number, fields: number) => void;
const moduleFor = modulePerMemory((memory): AddFunction | null => {
  const exports = instantiateOverMemory(memory, [
    { name: 'add', params: Array<number>(5).fill(I32), body: funcBody([[2, I32]], whileLess(get(I), get(N), element)) },
  ]);
  return exports ? (exports.add as AddFunction) : null;
});

function addFieldOffsets({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { indices, offsets } = inputs as Record<string, tf.TensorInfo>;
  const out = b.makeOutput(indices.shape, 'int32');
  const n = indices.shape[0] * indices.shape[1];
  const [x, o, y] = [indices, offsets, out].map((t) => b.typedArrayFromHeap(t).byteOffset);
  if (n > 0) moduleFor(b)!(x, o, y, n, offsets.shape[0]);
  return out;
}

let installed = false;

/** Whether the kernel serves int32 indices [B, F] and offsets [F] on the current backend (registering it once). */
export function fieldOffsetsKernelReady(indices: tf.Tensor, offsets: tf.Tensor): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: ADD_FIELD_OFFSETS, backendName: 'wasm', kernelFunc: addFieldOffsets as unknown as tf.KernelFunc });
  }
  const [rows, fields] = indices.shape;
  return (
    tf.getBackend() === 'wasm' &&
    indices.dtype === 'int32' &&
    offsets.dtype === 'int32' &&
    indices.rank === 2 &&
    offsets.rank === 1 &&
    fields === offsets.size &&
    fields > 0 &&
    rows >= 0 &&
    moduleFor(tf.backend()) !== null
  );
}
