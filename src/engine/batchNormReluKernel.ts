/**
 * A training MLP block's BatchNorm -> ReLU -> (dropout mask) as two tfjs-backend-wasm kernels, with
 * the same float32 operations in the same order as the tensor ops they replace (models/batchNormOp.ts
 * composed with tf.relu and a mask multiply), so the same bits:
 * - 'ReclensBatchNormReluForward' (z, gamma, beta[, mask]; attr eps): the batch mean and biased
 *   variance of each column as the ReclensColumnSums order adds (48-row blocks from 0, each
 *   block's sum added to the total) divided by n, invStd = 1 / sqrt(var + eps), xHat = (z - mean)
 *   * invStd, out = max(xHat * gamma + beta, 0) [* mask]; outputs out, xHat, mean, var, invStd.
 * - 'ReclensBatchNormReluBackward' (dy, out, xHat, gamma, invStd; attr keep, the mask's kept
 *   value or 1): d = dy * (out > 0 ? keep : 0), which is (dy * mask) * step(y) of the composed
 *   gradients (a zero mask or a ReLU zero gives dy * 0 both ways); dBeta and dGamma the column
 *   sums of d and d * xHat, dx = (((d - dBeta / n) - xHat * (dGamma / n)) * gamma) * invStd.
 * Each kernel reads its inputs in three (forward) or two (backward) passes over sixteen columns at
 * a time, where the composed ops ran ~20 kernels each writing an n x d tensor. A NaN ReLU input
 * gives the composed gradient NaN and this 0 (training has diverged by then). Columns a multiple
 * of 4; other shapes and backends take the tensor ops.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  F32,
  f32Const,
  F32X4_ADD as ADD,
  F32X4_DIV as DIV,
  F32X4_GT as GT,
  F32X4_MUL as MUL,
  F32X4_SPLAT as SPLAT,
  F32X4_SQRT as SQRT,
  F32X4_SUB as SUB,
  funcBody,
  get,
  I32,
  I32_ADD,
  I32_MUL,
  i32Const,
  instantiateOverMemory,
  set,
  simd,
  V128,
  V128_AND as AND,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend, type KernelArgs } from './kernelBackends.ts';

export const BATCH_NORM_RELU_FORWARD = 'ReclensBatchNormReluForward';
export const BATCH_NORM_RELU_BACKWARD = 'ReclensBatchNormReluBackward';
/** tfjs-backend-wasm's kBlockSize in batch_mat_mul_impl.cc, as engine/columnSumsKernel.ts adds. */
const BLOCK = 48;

const MAX = simd(0xe9);
const load = (base: number, row: number, q: number) => [...get(base), ...get(row), ...I32_ADD, ...simd(0x00), 4, 16 * q];
const store = (base: number, row: number, q: number, value: number[]) => [...get(base), ...get(row), ...I32_ADD, ...value, ...simd(0x0b), 4, 16 * q];
const each = (lanes: number, code: (q: number) => number[]) => Array.from({ length: lanes }, (_, q) => code(q)).flat();

/** Local slots: a function's parameters first, then these i32s, then v128s from `firstVector`. */
interface Frame {
  rows: number;
  stride: number;
  /** The column group's byte offset; the row loop's k0 / k / kend; the row's byte offset. */
  j: number;
  k: number;
  kend: number;
  row: number;
}

/**
 * for k0 in 48-row blocks: s = 0; s += term(q) over the block's rows; total += s (per sum and lane
 * group), totals[i][q] and scratch[i][q] being v128 locals; `row` = k * stride + j inside term.
 */
function blockedSums(fr: Frame, lanes: number, terms: ((q: number) => number[])[], totals: number[][], scratch: number[][]): number[] {
  const all = (code: (i: number, q: number) => number[]) => terms.flatMap((_, i) => each(lanes, (q) => code(i, q)));
  // prettier-ignore
  const block = [
    // kend = min(k + 48, rows)
    ...get(fr.k), ...i32Const(BLOCK), ...I32_ADD, ...get(fr.rows),
    ...get(fr.k), ...i32Const(BLOCK), ...I32_ADD, ...get(fr.rows), 0x49, 0x1b, ...set(fr.kend),
    ...all((i, q) => [...V128_ZERO, ...set(scratch[i][q])]),
    ...get(fr.k), ...get(fr.stride), ...I32_MUL, ...get(fr.j), ...I32_ADD, ...set(fr.row),
    ...whileLess(get(fr.k), get(fr.kend), [
      ...all((i, q) => [...get(scratch[i][q]), ...terms[i](q), ...ADD, ...set(scratch[i][q])]),
      ...get(fr.row), ...get(fr.stride), ...I32_ADD, ...set(fr.row),
      ...get(fr.k), ...i32Const(1), ...I32_ADD, ...set(fr.k),
    ]),
    ...all((i, q) => [...get(totals[i][q]), ...get(scratch[i][q]), ...ADD, ...set(totals[i][q])]),
  ];
  return [...all((i, q) => [...V128_ZERO, ...set(totals[i][q])]), ...i32Const(0), ...set(fr.k), ...whileLess(get(fr.k), get(fr.rows), block)];
}

/** for k in rows: body with `row` = k * stride + j. */
function eachRow(fr: Frame, body: number[]): number[] {
  // prettier-ignore
  return [
    ...i32Const(0), ...set(fr.k), ...get(fr.j), ...set(fr.row),
    ...whileLess(get(fr.k), get(fr.rows), [
      ...body,
      ...get(fr.row), ...get(fr.stride), ...I32_ADD, ...set(fr.row),
      ...get(fr.k), ...i32Const(1), ...I32_ADD, ...set(fr.k),
    ]),
  ];
}

/** Allocates v128 locals from `first` on. */
function vectors(first: number) {
  let next = first;
  return {
    one: () => next++,
    lanes: (lanes: number) => Array.from({ length: lanes }, () => next++),
    get count() {
      return next - first;
    },
  };
}

/** The outer loop over column groups [from, to) (bytes), 16 * lanes bytes at a time. */
function columnGroups(fr: Frame, from: number, to: number, lanes: number, body: number[]): number[] {
  return [...get(from), ...set(fr.j), ...whileLess(get(fr.j), get(to), [...body, ...get(fr.j), ...i32Const(16 * lanes), ...I32_ADD, ...set(fr.j)])];
}

/** forward(z, mask, out, xHat, gamma, beta, mean, var, invStd, rows, strideBytes, fromByte, toByte, n, eps). */
const FWD = { Z: 0, MASK: 1, OUT: 2, XHAT: 3, GAMMA: 4, BETA: 5, MEAN: 6, VAR: 7, INV: 8, ROWS: 9, STRIDE: 10, FROM: 11, TO: 12, N: 13, EPS: 14 };
const FWD_PARAMS = [...Array<number>(13).fill(I32), F32, F32];

function forwardBody(lanes: number, masked: boolean): number[] {
  const P = FWD;
  const fr: Frame = { rows: P.ROWS, stride: P.STRIDE, j: 15, k: 16, kend: 17, row: 18 };
  const v = vectors(19);
  const [acc, scratch, mean, inv, gamma, beta] = [0, 1, 2, 3, 4, 5].map(() => v.lanes(lanes));
  const [nv, epsv, t, zero, onev] = [v.one(), v.one(), v.one(), v.one(), v.one()];
  const column = (base: number, q: number) => [...get(base), ...get(fr.j), ...I32_ADD, ...simd(0x00), 4, 16 * q];
  const toColumn = (base: number, q: number, value: number[]) => [...get(base), ...get(fr.j), ...I32_ADD, ...value, ...simd(0x0b), 4, 16 * q];
  const centred = (q: number) => [...load(P.Z, fr.row, q), ...get(mean[q]), ...SUB];
  // prettier-ignore
  const body = [
    ...blockedSums(fr, lanes, [(q) => load(P.Z, fr.row, q)], [acc], [scratch]),
    ...each(lanes, (q) => [...get(acc[q]), ...get(nv), ...DIV, ...set(mean[q]), ...toColumn(P.MEAN, q, get(mean[q]))]),
    ...blockedSums(fr, lanes, [(q) => [...centred(q), ...set(t), ...get(t), ...get(t), ...MUL]], [acc], [scratch]),
    ...each(lanes, (q) => [
      ...toColumn(P.VAR, q, [...get(acc[q]), ...get(nv), ...DIV, ...set(t), ...get(t)]),
      ...get(onev), ...get(t), ...get(epsv), ...ADD, ...SQRT, ...DIV, ...set(inv[q]),
      ...toColumn(P.INV, q, get(inv[q])),
      ...column(P.GAMMA, q), ...set(gamma[q]),
      ...column(P.BETA, q), ...set(beta[q]),
    ]),
    ...eachRow(fr, each(lanes, (q) => [
      ...centred(q), ...get(inv[q]), ...MUL, ...set(t),
      ...store(P.XHAT, fr.row, q, get(t)),
      ...store(P.OUT, fr.row, q, [
        ...get(t), ...get(gamma[q]), ...MUL, ...get(beta[q]), ...ADD, ...get(zero), ...MAX,
        ...(masked ? [...load(P.MASK, fr.row, q), ...MUL] : []),
      ]),
    ])),
  ];
  // prettier-ignore
  const setup = [
    ...get(P.N), ...SPLAT, ...set(nv), ...get(P.EPS), ...SPLAT, ...set(epsv),
    ...V128_ZERO, ...set(zero), ...f32Const(1), ...SPLAT, ...set(onev),
  ];
  return funcBody(
    [
      [4, I32],
      [v.count, V128],
    ],
    [...setup, ...columnGroups(fr, P.FROM, P.TO, lanes, body)],
  );
}

/** backward(dy, out, xHat, gamma, invStd, dx, dGamma, dBeta, rows, strideBytes, fromByte, toByte, n, keep). */
const BWD = { DY: 0, OUT: 1, XHAT: 2, GAMMA: 3, INV: 4, DX: 5, DGAMMA: 6, DBETA: 7, ROWS: 8, STRIDE: 9, FROM: 10, TO: 11, N: 12, KEEP: 13 };
const BWD_PARAMS = [...Array<number>(12).fill(I32), F32, F32];

function backwardBody(lanes: number): number[] {
  const P = BWD;
  const fr: Frame = { rows: P.ROWS, stride: P.STRIDE, j: 14, k: 15, kend: 16, row: 17 };
  const v = vectors(18);
  const [sumB, sumG, scratchB, scratchG, meanB, meanG, gamma, inv] = [0, 1, 2, 3, 4, 5, 6, 7].map(() => v.lanes(lanes));
  const [nv, keepv, zero] = [v.one(), v.one(), v.one()];
  const column = (base: number, q: number) => [...get(base), ...get(fr.j), ...I32_ADD, ...simd(0x00), 4, 16 * q];
  const toColumn = (base: number, q: number, value: number[]) => [...get(base), ...get(fr.j), ...I32_ADD, ...value, ...simd(0x0b), 4, 16 * q];
  // d = dy * (out > 0 ? keep : +0)
  const d = (q: number) => [...load(P.DY, fr.row, q), ...get(keepv), ...load(P.OUT, fr.row, q), ...get(zero), ...GT, ...AND, ...MUL];
  // prettier-ignore
  const body = [
    ...blockedSums(fr, lanes, [d, (q) => [...d(q), ...load(P.XHAT, fr.row, q), ...MUL]], [sumB, sumG], [scratchB, scratchG]),
    ...each(lanes, (q) => [
      ...toColumn(P.DBETA, q, get(sumB[q])), ...toColumn(P.DGAMMA, q, get(sumG[q])),
      ...get(sumB[q]), ...get(nv), ...DIV, ...set(meanB[q]),
      ...get(sumG[q]), ...get(nv), ...DIV, ...set(meanG[q]),
      ...column(P.GAMMA, q), ...set(gamma[q]),
      ...column(P.INV, q), ...set(inv[q]),
    ]),
    ...eachRow(fr, each(lanes, (q) => store(P.DX, fr.row, q, [
      ...d(q), ...get(meanB[q]), ...SUB, ...load(P.XHAT, fr.row, q), ...get(meanG[q]), ...MUL, ...SUB,
      ...get(gamma[q]), ...MUL, ...get(inv[q]), ...MUL,
    ]))),
  ];
  const setup = [...get(P.N), ...SPLAT, ...set(nv), ...get(P.KEEP), ...SPLAT, ...set(keepv), ...V128_ZERO, ...set(zero)];
  return funcBody(
    [
      [4, I32],
      [v.count, V128],
    ],
    [...setup, ...columnGroups(fr, P.FROM, P.TO, lanes, body)],
  );
}

type Fn = (...args: number[]) => void;
interface Module {
  forward: { wide: Fn; narrow: Fn };
  forwardMasked: { wide: Fn; narrow: Fn };
  backward: { wide: Fn; narrow: Fn };
}

const moduleFor = modulePerMemory((memory): Module | null => {
  const e = instantiateOverMemory(memory, [
    { name: 'fw', params: FWD_PARAMS, body: forwardBody(4, false) },
    { name: 'fn', params: FWD_PARAMS, body: forwardBody(1, false) },
    { name: 'mw', params: FWD_PARAMS, body: forwardBody(4, true) },
    { name: 'mn', params: FWD_PARAMS, body: forwardBody(1, true) },
    { name: 'bw', params: BWD_PARAMS, body: backwardBody(4) },
    { name: 'bn', params: BWD_PARAMS, body: backwardBody(1) },
  ]);
  return e ? { forward: { wide: e.fw, narrow: e.fn }, forwardMasked: { wide: e.mw, narrow: e.mn }, backward: { wide: e.bw, narrow: e.bn } } : null;
});

/** Runs `fn` over the 16-column groups, then the 4-column rest (cols a multiple of 4). */
function overColumns(fn: { wide: Fn; narrow: Fn }, cols: number, run: (f: Fn, fromByte: number, toByte: number) => void): void {
  const wide = cols - (cols % 16);
  run(fn.wide, 0, 4 * wide);
  run(fn.narrow, 4 * wide, 4 * cols);
}

function forwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const { z, gamma, beta, mask } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const backend = args.backend as WasmKernelBackend;
  const [rows, cols] = z!.shape;
  const outs = [backend.makeOutput([rows, cols], 'float32'), backend.makeOutput([rows, cols], 'float32')];
  outs.push(...[0, 1, 2].map(() => backend.makeOutput([cols], 'float32')));
  const at = [z!, mask ?? z!, ...outs, gamma!, beta!].map((t) => backend.typedArrayFromHeap(t).byteOffset);
  const [zA, maskA, outA, xHatA, meanA, varA, invA, gammaA, betaA] = at;
  const m = moduleFor(backend)!;
  const eps = (args.attrs as unknown as { eps: number }).eps;
  overColumns(mask ? m.forwardMasked : m.forward, cols, (f, from, to) =>
    f(zA, maskA, outA, xHatA, gammaA, betaA, meanA, varA, invA, rows, 4 * cols, from, to, rows, eps),
  );
  return outs;
}

function backwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const { dy, out, xHat, gamma, invStd } = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as WasmKernelBackend;
  const [rows, cols] = dy.shape;
  const outs = [backend.makeOutput([rows, cols], 'float32'), backend.makeOutput([cols], 'float32'), backend.makeOutput([cols], 'float32')];
  const [dyA, outA, xHatA, gammaA, invA, dxA, dGammaA, dBetaA] = [dy, out, xHat, gamma, invStd, ...outs].map((t) => backend.typedArrayFromHeap(t).byteOffset);
  const m = moduleFor(backend)!;
  const keep = (args.attrs as unknown as { keep: number }).keep;
  overColumns(m.backward, cols, (f, from, to) => f(dyA, outA, xHatA, gammaA, invA, dxA, dGammaA, dBetaA, rows, 4 * cols, from, to, rows, keep));
  return outs;
}

let installed = false;

/** Whether the kernels serve an n x cols float32 batch on the current backend (registering them once). */
export function batchNormReluKernelsReady(rows: number, cols: number): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: BATCH_NORM_RELU_FORWARD, backendName: 'wasm', kernelFunc: forwardKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: BATCH_NORM_RELU_BACKWARD, backendName: 'wasm', kernelFunc: backwardKernel as unknown as tf.KernelFunc });
  }
  if (tf.getBackend() !== 'wasm' || rows < 1 || cols < 4 || cols % 4 !== 0) return false;
  return moduleFor(tf.backend()) !== null;
}
