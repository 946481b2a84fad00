/**
 * Dropout's mask (0 where u < rate, else 1 / (1 - rate)) drawn from mulberry32 (data/ctr/prng.ts)
 * as one tfjs-backend-wasm kernel ('ReclensDropoutMask'): the same values as a loop over
 * createRng(seed).next(), and so the same bits. mulberry32's state only counts (the i-th draw
 * hashes seed + (i + 1) * 0x6d2b79f5), so four draws run side by side in WebAssembly SIMD lanes
 * and the mask is written straight into the backend's memory: ~0.2 ms for 1024 x 400 where the
 * JS loop took ~6 ms and its upload a copy more. u / 2^32 < rate holds exactly when the 32-bit
 * hash is below ceil(rate * 2^32). Other backends get the JS loop.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRng } from '../data/ctr/prng.ts';
import { funcBody, get, I32, I32_ADD, instantiateOverMemory, set, simd, V128, V128_STORE, whileLess } from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend } from './kernelBackends.ts';

const KERNEL = 'ReclensDropoutMask';
/** mulberry32's state increment. */
const STEP = 0x6d2b79f5;

const [I32X4_SPLAT, I32X4_ADD, I32X4_MUL, I32X4_SHR_U, I32X4_GE_U] = [simd(0x11), simd(0xae), simd(0xb5), simd(0xad), simd(0x40)];
const [V128_AND, V128_OR, V128_XOR] = [simd(0x4e), simd(0x50), simd(0x51)];
const i32x4Const = (lanes: number[]) => [...simd(0x0c), ...new Uint8Array(Int32Array.from(lanes).buffer)];
const shrU = (bits: number) => [0x41, bits, ...I32X4_SHR_U];

/** mask(out, bytes, firstState, threshold, keepBits): 4-byte values [0, bytes), bytes a multiple of 16. */
const [OUT, BYTES, FIRST, THRESHOLD, KEEP] = [0, 1, 2, 3, 4];
const I = 5;
const [STATE, T, THR, KEEPV] = [6, 7, 8, 9];

function maskBody(): number[] {
  // prettier-ignore
  const draw = [
    // t = imul(t ^ (t >>> 15), t | 1)
    ...get(STATE), ...get(STATE), ...shrU(15), ...V128_XOR,
    ...get(STATE), ...i32x4Const([1, 1, 1, 1]), ...V128_OR, ...I32X4_MUL, ...set(T),
    // t ^= t + imul(t ^ (t >>> 7), t | 61)
    ...get(T), ...get(T), ...get(T), ...get(T), ...shrU(7), ...V128_XOR,
    ...get(T), ...i32x4Const([61, 61, 61, 61]), ...V128_OR, ...I32X4_MUL, ...I32X4_ADD, ...V128_XOR, ...set(T),
    // mask = (t ^ (t >>> 14)) >=u threshold ? keep : 0
    ...get(OUT), ...get(I), ...I32_ADD,
    ...get(T), ...get(T), ...shrU(14), ...V128_XOR, ...get(THR), ...I32X4_GE_U, ...get(KEEPV), ...V128_AND,
    ...V128_STORE,
    ...get(STATE), ...i32x4Const([4 * STEP, 4 * STEP, 4 * STEP, 4 * STEP]), ...I32X4_ADD, ...set(STATE),
    ...get(I), 0x41, 16, ...I32_ADD, ...set(I),
  ];
  // prettier-ignore
  const setup = [
    ...get(FIRST), ...I32X4_SPLAT, ...i32x4Const([0, STEP, 2 * STEP, 3 * STEP]), ...I32X4_ADD, ...set(STATE),
    ...get(THRESHOLD), ...I32X4_SPLAT, ...set(THR),
    ...get(KEEP), ...I32X4_SPLAT, ...set(KEEPV),
  ];
  return funcBody(
    [
      [1, I32],
      [4, V128],
    ],
    [...setup, ...whileLess(get(I), get(BYTES), draw)],
  );
}

type MaskFunction = (out: number, bytes: number, firstState: number, threshold: number, keepBits: number) => void;

const moduleFor = modulePerMemory((memory): MaskFunction | null => {
  const exports = instantiateOverMemory(memory, [{ name: 'mask', params: Array<number>(5).fill(I32), body: maskBody() }]);
  return exports ? (exports.mask as MaskFunction) : null;
});

/** The JS loop: values [from, out.length) of the mask whose first value is draw 0 of createRng(seed). */
function maskTail(out: Float32Array, seed: number, rate: number, from: number): void {
  const rng = createRng((seed + Math.imul(from, STEP)) >>> 0);
  const keep = 1 / (1 - rate);
  for (let i = from; i < out.length; i++) out[i] = rng.next() < rate ? 0 : keep;
}

interface Attrs {
  shape: number[];
  seed: number;
  rate: number;
}

function wasmKernel(args: { backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { shape, seed, rate } = args.attrs as unknown as Attrs;
  const backend = args.backend as WasmKernelBackend;
  const out = backend.makeOutput(shape, 'float32');
  const values = backend.typedArrayFromHeap(out);
  const mask = moduleFor(backend);
  // Above 1 - 2^-32 the threshold is 2^32, which 32 bits cannot hold (every value is dropped): the JS loop.
  const threshold = Math.ceil(rate * 2 ** 32);
  const simdValues = mask && threshold < 2 ** 32 ? values.length - (values.length % 4) : 0;
  if (mask && simdValues > 0) {
    const keepBits = new Int32Array(Float32Array.of(1 / (1 - rate)).buffer)[0];
    // `| 0` passes the threshold as the same 32 bits.
    mask(values.byteOffset, 4 * simdValues, (seed + STEP) | 0, threshold | 0, keepBits);
  }
  maskTail(values, seed, rate, simdValues);
  return out;
}

let installed = false;

/**
 * A float32 dropout mask of `shape` from `seed`: value i is 0 where draw i of createRng(seed) is
 * below `rate` (0 < rate < 1), else 1 / (1 - rate).
 */
export function dropoutMask(shape: number[], seed: number, rate: number): tf.Tensor {
  if (!(rate > 0 && rate < 1)) throw new RangeError(`a dropout mask needs 0 < rate < 1, got ${rate}`);
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmKernel as unknown as tf.KernelFunc });
  }
  if (tf.getBackend() === 'wasm' && moduleFor(tf.backend())) {
    return tf.engine().runKernel(KERNEL, {}, { shape, seed: seed >>> 0, rate } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  maskTail(values, seed, rate, 0);
  return tf.tensor(values, shape);
}
