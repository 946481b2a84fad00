/**
 * Column sums of a float32 matrix (n x d to 1 x d) as one kernel on tfjs-backend-wasm
 * ('ReclensColumnSums'), adding in the same order as the matMul models/columnSums.ts runs
 * elsewhere (ones^T x with transposeA, which tfjs-backend-wasm 4.22 sends to its naive loop), so
 * the sums are the same bits: that loop sums 48 rows at a time from 0 in float32 and adds each
 * block's sum to the column's total. Here the same additions run four columns to a WebAssembly
 * SIMD lane group, sixteen columns at a time, over rows read in order (the naive loop reads a
 * column at a time down the rows: ~0.6 ms for 1024 x 400). Its gradient is the matMul's:
 * ones (n x 1) times dy.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { F32X4_ADD, funcBody, get, I32, I32_ADD, I32_MUL, i32Const, instantiateOverMemory, set, simd, V128, V128_ZERO, whileLess } from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';

const KERNEL = 'ReclensColumnSums';
const ROW_BLOCKS_KERNEL = 'ReclensColumnSumsOfRowBlocks';
/** tfjs-backend-wasm's kBlockSize in batch_mat_mul_impl.cc. */
const BLOCK = 48;

const [X, OUT, ROWS, STRIDE, FROM, TO] = [0, 1, 2, 3, 4, 5];
const [J, K0, KEND, P] = [6, 7, 8, 9];
const ACC = 10;

/** colsum(x, out, rows, strideBytes, fromByte, toByte): columns [from, to) in groups of 4 * lanes. */
function colsumBody(lanes: number): number[] {
  const S = ACC + lanes;
  const each = (f: (q: number) => number[]) => Array.from({ length: lanes }, (_, q) => f(q)).flat();
  const v128At = (code: number, q: number) => [...simd(code), 4, 16 * q];
  const block = [
    // kend = min(k0 + 48, rows)
    ...get(K0),
    ...i32Const(BLOCK),
    ...I32_ADD,
    ...get(ROWS),
    ...get(K0),
    ...i32Const(BLOCK),
    ...I32_ADD,
    ...get(ROWS),
    0x49,
    0x1b,
    ...set(KEND),
    ...each((q) => [...V128_ZERO, ...set(S + q)]),
    // p = x + k0 * stride + j
    ...get(X),
    ...get(K0),
    ...get(STRIDE),
    ...I32_MUL,
    ...I32_ADD,
    ...get(J),
    ...I32_ADD,
    ...set(P),
    ...whileLess(get(K0), get(KEND), [
      ...each((q) => [...get(S + q), ...get(P), ...v128At(0x00, q), ...F32X4_ADD, ...set(S + q)]),
      ...get(P),
      ...get(STRIDE),
      ...I32_ADD,
      ...set(P),
      ...get(K0),
      ...i32Const(1),
      ...I32_ADD,
      ...set(K0),
    ]),
    ...each((q) => [...get(ACC + q), ...get(S + q), ...F32X4_ADD, ...set(ACC + q)]),
  ];
  // prettier-ignore
  const column = [
    ...each((q) => [...V128_ZERO, ...set(ACC + q)]),
    ...i32Const(0), ...set(K0),
    ...whileLess(get(K0), get(ROWS), block),
    ...each((q) => [...get(OUT), ...get(J), ...I32_ADD, ...get(ACC + q), ...v128At(0x0b, q)]),
    ...get(J), ...i32Const(16 * lanes), ...I32_ADD, ...set(J),
  ];
  return funcBody(
    [
      [4, I32],
      [2 * lanes, V128],
    ],
    [...get(FROM), ...set(J), ...whileLess(get(J), get(TO), column)],
  );
}

type Colsum = (x: number, out: number, rows: number, strideBytes: number, fromByte: number, toByte: number) => void;

const moduleFor = modulePerMemory((memory): { wide: Colsum; narrow: Colsum } | null => {
  const exports = instantiateOverMemory(memory, [
    { name: 'wide', params: Array<number>(6).fill(I32), body: colsumBody(4) },
    { name: 'narrow', params: Array<number>(6).fill(I32), body: colsumBody(1) },
  ]);
  return exports ? { wide: exports.wide as Colsum, narrow: exports.narrow as Colsum } : null;
});

/** Columns [from, cols) one at a time, in the naive loop's order, float32 after every addition. */
function columnTail(x: Float32Array, out: Float32Array, rows: number, cols: number, from: number): void {
  const f = Math.fround;
  for (let j = from; j < cols; j++) {
    let total = 0;
    for (let k0 = 0; k0 < rows; k0 += BLOCK) {
      let sum = 0;
      for (let k = k0; k < Math.min(k0 + BLOCK, rows); k++) sum = f(sum + x[k * cols + j]);
      total = f(total + sum);
    }
    out[j] = total;
  }
}

/** xs's column sums (rows x cols) into os (cols). */
function sumColumns(backend: WasmKernelBackend, xs: Float32Array, os: Float32Array, rows: number, cols: number): void {
  const m = moduleFor(backend);
  let done = 0;
  if (m && rows > 0) {
    const wide = cols - (cols % 16);
    const narrow = cols - (cols % 4);
    m.wide(xs.byteOffset, os.byteOffset, rows, 4 * cols, 0, 4 * wide);
    m.narrow(xs.byteOffset, os.byteOffset, rows, 4 * cols, 4 * wide, 4 * narrow);
    done = narrow;
  }
  columnTail(xs, os, rows, cols, done);
}

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const backend = args.backend as WasmKernelBackend;
  const [rows, cols] = x.shape;
  const out = backend.makeOutput([1, cols], 'float32');
  sumColumns(backend, backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), rows, cols);
  return out;
}

/** The column sums of each of x's `blocks` row blocks, read in place: one 1 x cols output per block. */
function rowBlocksKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  const { blocks } = args.attrs as unknown as { blocks: number };
  const backend = args.backend as WasmKernelBackend;
  const [rows, cols] = [x.shape[0] / blocks, x.shape[1]];
  const outs = Array.from({ length: blocks }, () => backend.makeOutput([1, cols], 'float32'));
  const xs = backend.typedArrayFromHeap(x); // after the outputs: allocating can move the heap
  outs.forEach((out, q) => sumColumns(backend, xs.subarray(q * rows * cols, (q + 1) * rows * cols), backend.typedArrayFromHeap(out), rows, cols));
  return outs;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: ROW_BLOCKS_KERNEL, backendName: 'wasm', kernelFunc: rowBlocksKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: KERNEL,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.matMul(tf.ones([(attrs as unknown as { rows: number }).rows, 1]), dy as tf.Tensor2D) }),
  });
}

/** 1 x d column sums of x (n x d, float32) by the kernel, or null where this backend has none. */
export function columnSumsKernel(x: tf.Tensor2D): tf.Tensor2D | null {
  install();
  if (x.dtype !== 'float32' || !tf.getKernel(KERNEL, tf.getBackend())) return null;
  return tf.engine().runKernel(KERNEL, { x }, { rows: x.shape[0] }) as tf.Tensor2D;
}

/**
 * The 1 x d column sums of each of x's `blocks` row blocks (x: blocks * n x d, float32), each the bits
 * of columnSumsKernel(block), by one kernel reading the blocks in place; null where this backend has none.
 */
export function columnSumsOfRowBlocksKernel(x: tf.Tensor2D, blocks: number): tf.Tensor2D[] | null {
  install();
  if (x.dtype !== 'float32' || !tf.getKernel(ROW_BLOCKS_KERNEL, tf.getBackend())) return null;
  return tf.engine().runKernel(ROW_BLOCKS_KERNEL, { x }, { blocks } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[];
}
