/**
 * A float32 matrix product op(a) op(b) (+ bias) as one tfjs kernel on tfjs-backend-wasm ('ReclensGemm'),
 * op being a transpose where asked, read in place: gemmWasmModule.ts's register-blocked WebAssembly SIMD
 * loop, ~1.2-1.4x tfjs's matMul (XNNPACK) on DeepFM's 1024 x 400 x 400 products, and no explicit
 * transpose (tfjs-backend-wasm sends matMul's transpose flags to a naive loop ~10x slower). Each output is
 * bias-or-zero + a[i, 0] b[0, j] + a[i, 1] b[1, j] + ... in float32, as XNNPACK's GEMM sums it, so the
 * products are the same bits as tf.matMul / tf.fused.matMul on wasm (tested).
 *
 * B (b, or b^T) is first packed into eight-column panels in scratch memory from the backend's allocator;
 * the product then runs GotoBLAS-style in blocks of KC steps by MC rows, so a panel's KC x 8 block stays
 * in L1 while MC rows of A stream past it from L2. It runs on the calling thread only, so where the
 * backend has a pool of 2 or more threads (the studio's default: every core, at most 8) gemm leaves the
 * products to tfjs's matMul, which XNNPACK splits across the pool: at ~1.3x per thread this kernel is
 * expected to lose to 2 threads or more where they have free cores (not measured: on this 2-core VM
 * under load 6 the second thread found none, and the kernel was still 1.3-1.5x the 2-thread matMul).
 *
 * Other backends, wasm without SIMD, and wasm with a pool get tf.matMul with explicit transposes
 * (gemmComposed). The kernel has no gradient of its own: affine.ts's customGrad gives the layer's.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { GEMM_COLS, GEMM_ROWS, gemmWasm, type GemmBlocks, type GemmModule } from './gemmWasmModule.ts';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';

const KERNEL = 'ReclensGemm';
const ROW_BLOCKS_KERNEL = 'ReclensGemmRowBlocks';
/** Steps (k) and rows (m) per block: a panel's 8 KB of B in L1, up to 256 KB of A in L2 (chosen by size, not tuned). */
const [KC, MC] = [256, 256];

export interface GemmOptions {
  /** Read a (k x m) as its transpose. */
  transposeA?: boolean;
  /** Read b (n x k) as its transpose. */
  transposeB?: boolean;
  /** Added to every row (length n). */
  bias?: tf.Tensor1D;
  /** max(product (+ bias), 0) as tf.relu gives it, applied as each output is stored (no Relu kernel after). */
  relu?: boolean;
}

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  relu?: boolean;
}

const moduleOf = modulePerMemory(gemmWasm);

/** The last part panel (columns from j0 of n) of op(b) (k x n) at packed[0..]: zeros past column n. */
function packTail(b: Float32Array, packed: Float32Array, k: number, n: number, j0: number, transposed: boolean): void {
  packed.fill(0);
  // One loop per layout, the columns inside: no per-element test (~15 us less at k = 1024).
  if (transposed) for (let j = j0; j < n; j++) for (let p = 0, at = j * k; p < k; p++) packed[p * GEMM_COLS + j - j0] = b[at + p];
  else for (let p = 0; p < k; p++) for (let j = j0, at = p * n; j < n; j++) packed[p * GEMM_COLS + j - j0] = b[at + j];
}

/**
 * op(a) op(b) (+ bias), or where blocks > 1 (b not transposed, blocks * k rows) op(a) times each of b's
 * row blocks, each packed in place (no slice) into its own panels and written to its own output. The
 * blocks take turns on each MC x KC block of A, which so stays in L2 for all of them.
 */
function products(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }, blocks: number): tf.TensorInfo[] {
  const { a, b, bias } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
  const { transposeA, transposeB, relu = false } = args.attrs as unknown as Attrs;
  const backend = args.backend as WasmKernelBackend;
  const gemm = moduleOf(backend) as GemmModule; // gemm() runs the kernel only where the module is
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = transposeB ? b.shape[0] : b.shape[1];
  if (k === 0 || m === 0 || n === 0) {
    return Array.from({ length: blocks }, () => {
      const out = backend.makeOutput([m, n], 'float32');
      const cs = backend.typedArrayFromHeap(out);
      cs.fill(0);
      if (bias) for (let i = 0; i < m; i++) cs.set(backend.typedArrayFromHeap(bias), i * n);
      if (relu) for (let i = 0; i < cs.length; i++) cs[i] = Math.max(cs[i], 0);
      return out;
    });
  }
  const panels = Math.ceil(n / GEMM_COLS);
  const bytes = panels * k * GEMM_COLS * 4;
  const [fullPanels, tail] = [Math.floor(n / GEMM_COLS), n % GEMM_COLS];
  // The kernel reads the bias a panel (8 columns) at a time: a part panel's would read past the
  // tensor, so then it reads a copy padded with zeros, kept after packed B.
  const paddedBias = bias !== undefined && tail > 0;
  const scratchBytes = blocks * bytes + (paddedBias ? panels * GEMM_COLS * 4 : 0);
  // malloc gives 0 when the heap cannot grow: packing there would overwrite the module's own data.
  // The scratch comes first, so that nothing is left allocated when it fails.
  const scratch = backend.wasm._malloc(scratchBytes) >>> 0;
  if (scratch === 0) throw new RangeError(`gemm: the wasm heap has no room for ${scratchBytes} bytes of packed B`);
  const outs = Array.from({ length: blocks }, () => backend.makeOutput([m, n], 'float32'));
  // Views after every allocation: allocating can grow (and so move) the heap; addresses stay.
  const [as, bs] = [a, b].map((t) => backend.typedArrayFromHeap(t));
  const heap = bs.buffer;
  for (let q = 0; q < blocks; q++) {
    const [from, to] = [bs.byteOffset + q * k * n * 4, scratch + q * bytes];
    if (transposeB) gemm.packColumns(from, 4 * k, to, k, fullPanels);
    else gemm.packRows(from, 4 * n, to, k, fullPanels);
    if (tail > 0)
      packTail(new Float32Array(heap, from, k * n), new Float32Array(heap, to + fullPanels * k * 32, k * GEMM_COLS), k, n, fullPanels * GEMM_COLS, transposeB);
  }
  let biasAt = bias ? backend.typedArrayFromHeap(bias).byteOffset : 0;
  if (paddedBias) {
    const copy = new Float32Array(heap, scratch + blocks * bytes, panels * GEMM_COLS);
    copy.fill(0);
    copy.set(backend.typedArrayFromHeap(bias));
    biasAt = scratch + blocks * bytes;
  }
  // Element (i, p) of op(a) at rowStride i + stepStride p bytes.
  const [rowStride, stepStride] = transposeA ? [4, 4 * m] : [4 * k, 4];
  // Up to four columns fit a panel's first vector: the narrow kernels skip its empty second half.
  const narrow = n <= GEMM_COLS / 2;
  const kernels = narrow ? (transposeA ? gemm.narrowRows : gemm.narrowSteps) : transposeA ? gemm.rows : gemm.steps;
  const aAt = as.byteOffset;
  const cAt = outs.map((out) => backend.typedArrayFromHeap(out).byteOffset);
  const full = m - (m % GEMM_ROWS);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const steps = Math.min(KC, k - p0);
    const first = p0 === 0;
    const last = p0 + steps === k;
    const run = (f: GemmBlocks, i0: number, rowBlocks: number) => {
      for (let q = 0; q < blocks; q++)
        f(
          aAt + i0 * rowStride + p0 * stepStride,
          rowStride,
          stepStride,
          scratch + q * bytes + p0 * 32,
          k * 32,
          first ? biasAt : 0,
          cAt[q] + i0 * 4 * n,
          4 * n,
          steps,
          fullPanels,
          tail,
          rowBlocks,
          first ? 0 : 1,
          relu && last ? 1 : 0,
        );
    };
    for (let i0 = 0; i0 < full; i0 += MC) run(kernels[GEMM_ROWS - 1], i0, Math.min(MC, full - i0) / GEMM_ROWS);
    if (full < m) run(kernels[m - full - 1], full, 1);
  }
  backend.wasm._free(scratch);
  return outs;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ((args: Parameters<typeof products>[0]) => products(args, 1)[0]) as unknown as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: ROW_BLOCKS_KERNEL,
    backendName: 'wasm',
    kernelFunc: ((args: Parameters<typeof products>[0]) => products(args, (args.attrs as unknown as { blocks: number }).blocks)) as unknown as tf.KernelFunc,
  });
}

/** op(a) op(b) (+ bias) (then relu) by tfjs's ops: transposes made, then matMul (fused with the bias). */
export function gemmComposed(a: tf.Tensor2D, b: tf.Tensor2D, options: GemmOptions = {}): tf.Tensor2D {
  return tf.tidy(() => {
    const [x, y] = [options.transposeA ? tf.transpose(a) : a, options.transposeB ? tf.transpose(b) : b] as tf.Tensor2D[];
    const product = (options.bias ? tf.fused.matMul({ a: x, b: y, bias: options.bias }) : tf.matMul(x, y)) as tf.Tensor2D;
    return options.relu ? tf.relu(product) : product;
  });
}

/** Whether gemm runs the kernel (reading transposed operands in place) on the current backend, else it makes transposes. */
export function gemmReadsTransposes(): boolean {
  install();
  return tf.getBackend() === 'wasm' && getThreadsCount() <= 1 && moduleOf(tf.backend()) !== null;
}

/** op(a) op(b) (+ bias) (then relu), float32: the kernel on wasm with SIMD, else gemmComposed. No gradient (see the header). */
export function gemm(a: tf.Tensor2D, b: tf.Tensor2D, options: GemmOptions = {}): tf.Tensor2D {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const k = transposeA ? a.shape[0] : a.shape[1];
  const kb = transposeB ? b.shape[1] : b.shape[0];
  const n = transposeB ? b.shape[0] : b.shape[1];
  if (k !== kb) throw new RangeError(`gemm: inner sizes differ (${a.shape} by ${b.shape}, transposeA ${transposeA}, transposeB ${transposeB})`);
  if (options.bias && options.bias.size !== n) throw new RangeError(`gemm: bias of ${options.bias.size} for ${n} columns`);
  const ready = gemmReadsTransposes();
  const float32 = a.dtype === 'float32' && b.dtype === 'float32' && (options.bias?.dtype ?? 'float32') === 'float32';
  if (!ready || !float32) return gemmComposed(a, b, options);
  const inputs: tf.NamedTensorMap = options.bias ? { a, b, bias: options.bias } : { a, b };
  const attrs: Attrs = { transposeA, transposeB, relu: options.relu ?? false };
  return tf.engine().runKernel(KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D;
}

/**
 * op(a) times each of b's `blocks` row blocks (b: blocks * k x n, block q its rows qk..(q+1)k), as
 * gemm(a, block q, options) gives them (the same bits): where gemm runs the kernel, one kernel that
 * packs the blocks in place (no slices) and reads op(a) once for all; elsewhere slices and gemm.
 */
export function gemmRowBlocks(a: tf.Tensor2D, b: tf.Tensor2D, blocks: number, options: { transposeA?: boolean } = {}): tf.Tensor2D[] {
  const transposeA = options.transposeA ?? false;
  const k = transposeA ? a.shape[0] : a.shape[1];
  if (b.shape[0] !== blocks * k) throw new RangeError(`gemmRowBlocks: ${b.shape[0]} rows of b are not ${blocks} blocks of ${k}`);
  if (!gemmReadsTransposes() || a.dtype !== 'float32' || b.dtype !== 'float32')
    return Array.from({ length: blocks }, (_, q) => tf.tidy(() => gemm(a, tf.slice(b, [q * k, 0], [k, -1]), { transposeA })));
  const attrs = { transposeA, transposeB: false, blocks };
  return tf.engine().runKernel(ROW_BLOCKS_KERNEL, { a, b }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[];
}
