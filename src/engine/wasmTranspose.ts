/**
 * A faster Transpose kernel for tfjs-backend-wasm, for the one layout training uses: swapping the
 * last two axes (a matrix, or a batch of matrices). tfjs-backend-wasm 4.22's own kernel walks the
 * output element by element with a stride of a whole row through the input, and power-of-two
 * widths make every step alias in the cache: 1024 x 400 takes ~8 ms where a transpose in 16 x 16
 * tiles, in JS over the same wasm memory, takes ~1.2 ms (1024 x 64: 0.74 ms against 0.19 ms).
 * The affine layers' gradients transpose their input and weights every step
 * (src/models/affine.ts), so this is a few percent of every step on wasm. Matrices whose sides
 * are multiples of 4 go to a WebAssembly SIMD module (transposeWasmModule.ts), the rest to the
 * JS tiles.
 *
 * The values are moved, never computed, so results are bit-identical. Other permutations and
 * dtypes go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { transposeWasm } from './transposeWasmModule.ts';

/** What this kernel reads of tfjs-backend-wasm's BackendWasm (public methods of the class). */
interface WasmHeapBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const TILE = 16;

/** out (cols x rows) = src (rows x cols) transposed, for `batches` matrices stored one after another. */
export function transposeTiled(src: ArrayLike<number>, out: { [i: number]: number }, batches: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batches; b++) {
    const base = b * size;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let r = r0; r < r1; r++) {
          const from = base + r * cols;
          for (let c = c0; c < c1; c++) out[base + c * rows + r] = src[from + c];
        }
      }
    }
  }
}

/** True when perm keeps every axis but swaps the last two. */
function swapsLastTwo(perm: number[]): boolean {
  const n = perm.length;
  if (n < 2 || perm[n - 2] !== n - 1 || perm[n - 1] !== n - 2) return false;
  for (let i = 0; i < n - 2; i++) if (perm[i] !== i) return false;
  return true;
}

let installed = false;

/** Replaces the wasm backend's Transpose kernel (once; call before training on wasm). */
export function installWasmTranspose(): void {
  if (installed) return;
  installed = true;
  const original = tf.getKernel('Transpose', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const perm = (args.attrs as { perm: number[] }).perm;
      if (x.dtype !== 'float32' && x.dtype !== 'int32') return original.kernelFunc(args);
      if (!swapsLastTwo(perm)) return original.kernelFunc(args);
      const backend = args.backend as unknown as WasmHeapBackend;
      const n = x.shape.length;
      const rows = x.shape[n - 2];
      const cols = x.shape[n - 1];
      const outShape = [...x.shape.slice(0, n - 2), cols, rows];
      const out = backend.makeOutput(outShape, x.dtype);
      // Views after makeOutput: allocating can grow (and so move) the wasm heap.
      const src = backend.typedArrayFromHeap(x);
      const dst = backend.typedArrayFromHeap(out);
      const batches = rows * cols === 0 ? 0 : src.length / (rows * cols);
      const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
      const simd = memory && rows % 4 === 0 && cols % 4 === 0 ? transposeWasm(memory) : null;
      if (simd) for (let b = 0; b < batches; b++) simd(src.byteOffset + 4 * b * rows * cols, dst.byteOffset + 4 * b * rows * cols, rows, cols);
      else transposeTiled(src, dst, batches, rows, cols);
      return out;
    },
  });
}
