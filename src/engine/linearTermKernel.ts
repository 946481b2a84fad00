/**
 * The first-order term's sum of one weight per field (models/embeddings.ts linearTerm), sum_f
 * w[rows[b, f]] for w [N, 1], and its gradient, as tfjs-backend-wasm kernels with the float32
 * operations of the ops they replace in their order:
 * - 'ReclensLinearTerm' (w, rows [B, F] to [B]): per row from 0, adding w[rows[b, f]] for f in
 *   order, as tf.sum over [B, F, 1]'s inner axes adds after the lookup's row gather;
 * - 'ReclensLinearTermGrad' (dy [B], rows; attr tableRows to [N, 1]): zeros, then dy[b] added to
 *   w's row of every (b, f), b then f in order: Sum's gradient (dy times ones, the same values)
 *   scattered as the lookup's gradient adds.
 * Two loops where the composed path ran a gather, reshapes, the sum, a ones tensor built in JS, its
 * product and the scatter. A row outside [0, N) traps: a RangeError (tableRowsChecked.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  bump,
  F32,
  F32_ADD,
  F32_LOAD,
  F32_STORE,
  f32Const,
  funcBody,
  get,
  I32,
  I32_ADD,
  I32_GE_U,
  I32_MUL,
  I32_SHL,
  i32Const,
  i32Load,
  ifElse,
  instantiateOverMemory,
  MEMORY_FILL,
  set,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend, type KernelArgs, heapAddress } from './kernelBackends.ts';
import { tableRowsChecked } from './tableRowsChecked.ts';

export const LINEAR_TERM = 'ReclensLinearTerm';
export const LINEAR_TERM_GRAD = 'ReclensLinearTermGrad';

// sum(w, rows, out, b, f, tableRows) and grad(dy, rows, dw, b, f, tableRows); addresses in bytes.
const [W, ROWS, OUT, B, F, TABLE_ROWS] = [0, 1, 2, 3, 4, 5];
const [I, J, R, ACC] = [6, 7, 8, 9];

/** r = the address of w's row rows[i] (4 bytes a row), trapping outside [0, tableRows); rows advances. */
const rowAddress = (table: number) => [
  ...get(ROWS),
  ...i32Load(),
  ...set(R),
  ...ifElse([...get(R), ...get(TABLE_ROWS), ...I32_GE_U], [0x00]),
  ...get(table),
  ...get(R),
  ...i32Const(2),
  ...I32_SHL,
  ...I32_ADD,
  ...set(R),
  ...bump(ROWS, i32Const(4)),
];

function sumBody(): number[] {
  const field = [...rowAddress(W), ...get(ACC), ...get(R), ...F32_LOAD, ...F32_ADD, ...set(ACC), ...bump(J, i32Const(1))];
  // prettier-ignore
  const row = [
    ...f32Const(0), ...set(ACC), ...i32Const(0), ...set(J), ...whileLess(get(J), get(F), field),
    ...get(OUT), ...get(ACC), ...F32_STORE, ...bump(OUT, i32Const(4)), ...bump(I, i32Const(1)),
  ];
  return funcBody(
    [
      [3, I32],
      [1, F32],
    ],
    whileLess(get(I), get(B), row),
  );
}

/** W is dy here, OUT is dw. */
function gradBody(): number[] {
  const field = [...rowAddress(OUT), ...get(R), ...get(R), ...F32_LOAD, ...get(ACC), ...F32_ADD, ...F32_STORE, ...bump(J, i32Const(1))];
  // prettier-ignore
  const row = [
    ...get(W), ...F32_LOAD, ...set(ACC), ...i32Const(0), ...set(J), ...whileLess(get(J), get(F), field),
    ...bump(W, i32Const(4)), ...bump(I, i32Const(1)),
  ];
  const zero = [...get(OUT), ...i32Const(0), ...get(TABLE_ROWS), ...i32Const(4), ...I32_MUL, ...MEMORY_FILL];
  return funcBody(
    [
      [3, I32],
      [1, F32],
    ],
    [...zero, ...whileLess(get(I), get(B), row)],
  );
}

type Fn = (...args: number[]) => void;
const moduleFor = modulePerMemory((memory): { sum: Fn; grad: Fn } | null => {
  const params = Array<number>(6).fill(I32);
  const e = instantiateOverMemory(memory, [
    { name: 'sum', params, body: sumBody() },
    { name: 'grad', params, body: gradBody() },
  ]);
  return e ? { sum: e.sum, grad: e.grad } : null;
});

function sumKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { w, rows } = inputs as Record<string, tf.TensorInfo>;
  const [batch, fields] = rows.shape;
  const out = b.makeOutput([batch], 'float32');
  if (batch === 0) return out;
  return tableRowsChecked(b, out, w.shape[0], () => moduleFor(b)!.sum(heapAddress(b, w), heapAddress(b, rows), heapAddress(b, out), batch, fields, w.shape[0]));
}

function gradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmKernelBackend;
  const { dy, rows } = inputs as Record<string, tf.TensorInfo>;
  const tableRows = attrs!.tableRows as number;
  const [batch, fields] = rows.shape;
  const out = b.makeOutput([tableRows, 1], 'float32');
  if (tableRows === 0) return out;
  return tableRowsChecked(b, out, tableRows, () => moduleFor(b)!.grad(heapAddress(b, dy), heapAddress(b, rows), heapAddress(b, out), batch, fields, tableRows));
}

let installed = false;

/** Whether the kernels serve a float32 w [N, 1] and int32 rows [B, F] on the current backend (registering them once). */
export function linearTermKernelsReady(w: tf.Tensor, rows: tf.Tensor): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: LINEAR_TERM, backendName: 'wasm', kernelFunc: sumKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: LINEAR_TERM_GRAD, backendName: 'wasm', kernelFunc: gradKernel as unknown as tf.KernelFunc });
  }
  const shapes = w.rank === 2 && w.shape[1] === 1 && rows.rank === 2;
  return tf.getBackend() === 'wasm' && shapes && w.dtype === 'float32' && rows.dtype === 'int32' && moduleFor(tf.backend()) !== null;
}
