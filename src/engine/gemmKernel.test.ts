import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { gemm, gemmComposed, gemmRowBlocks, type GemmOptions } from './gemmKernel.ts';
import { gemmWasm } from './gemmWasmModule.ts';

/** op(a) op(b) + bias in float64, and sum |a||b| + |bias| per entry (the scale of float32's rounding). */
function reference(a: tf.Tensor2D, b: tf.Tensor2D, o: GemmOptions): { value: Float64Array; scale: Float64Array; m: number; n: number; k: number } {
  const [av, bv] = [a.dataSync(), b.dataSync()];
  const biasV = o.bias?.dataSync();
  const [m, k] = o.transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const n = o.transposeB ? b.shape[0] : b.shape[1];
  const at = (i: number, p: number) => (o.transposeA ? av[p * m + i] : av[i * k + p]);
  const bt = (p: number, j: number) => (o.transposeB ? bv[j * k + p] : bv[p * n + j]);
  const [value, scale] = [new Float64Array(m * n), new Float64Array(m * n)];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let [s, t] = [biasV ? biasV[j] : 0, biasV ? Math.abs(biasV[j]) : 0];
      for (let p = 0; p < k; p++) {
        s += at(i, p) * bt(p, j);
        t += Math.abs(at(i, p) * bt(p, j));
      }
      [value[i * n + j], scale[i * n + j]] = [s, t];
    }
  return { value, scale, m, n, k };
}

// [m, k, n]: under and over a register block (4 x 8), one row, one column, k past a 256-step block, m past a 256-row block;
// n <= 4 (the narrow kernels) with k past a block too.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [13, 300, 4],
  [70, 260, 3],
  [1, 9, 7],
  [9, 5, 1],
  [4, 8, 8],
  [37, 29, 13],
  [6, 300, 17],
  [261, 3, 10],
  [70, 520, 24],
];
const OPTIONS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe.each(['wasm', 'cpu'] as const)('gemm on %s', (backend) => {
  beforeAll(() => selectBackend(backend));
  afterAll(() => selectBackend('cpu'));

  it.each(SHAPES)('%i x %i by %i: within float32 rounding of float64, the same bits as tfjs matMul', (m, k, n) => {
    for (const [transposeA, transposeB] of OPTIONS)
      for (const withBias of [false, true]) {
        const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, 'float32', m + k) as tf.Tensor2D;
        const b = tf.randomNormal(transposeB ? [n, k] : [k, n], 0, 1, 'float32', n + 2 * k) as tf.Tensor2D;
        const bias = withBias ? (tf.randomNormal([n], 0, 1, 'float32', 3) as tf.Tensor1D) : undefined;
        const o = { transposeA, transposeB, bias };
        const before = tf.memory().numTensors;
        const c = gemm(a, b, o);
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(c.shape).toEqual([m, n]);
        const ref = reference(a, b, o);
        const got = c.dataSync();
        // Each of k + 1 float32 roundings errs by at most 2^-24 of a partial sum, itself at most scale.
        for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - ref.value[i])).toBeLessThanOrEqual((k + 1) * 2 ** -24 * ref.scale[i] + 1e-30);
        const composed = gemmComposed(a, b, o);
        expect(Array.from(got)).toEqual(Array.from(composed.dataSync()));
        tf.dispose([a, b, c, composed, ...(bias ? [bias] : [])]);
      }
  });

  it.each(SHAPES)('%i x %i by %i with relu: the bits of tf.relu after gemm, -0 to +0 and NaN kept, as one kernel on wasm', async (m, k, n) => {
    for (const [transposeA, transposeB] of OPTIONS)
      for (const withBias of [false, true]) {
        const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, 'float32', m + k) as tf.Tensor2D;
        // b's first column zero with a -0 bias (-0 + +0 products: +0) or none (+0), its second NaN where n > 1.
        const bv = tf.randomNormal(transposeB ? [n, k] : [k, n], 0, 1, 'float32', n + 2 * k).arraySync() as number[][];
        const special = (j: number) => (j === 0 ? 0 : j === 1 ? NaN : undefined);
        for (let j = 0; j < n; j++)
          for (let p = 0; p < k; p++) {
            const v = special(j);
            if (v === undefined) continue;
            if (transposeB) bv[j][p] = v;
            else bv[p][j] = v;
          }
        const b = tf.tensor2d(bv);
        const bias = withBias ? (tf.tensor1d(Array.from({ length: n }, (_, j) => (j === 0 ? -0 : Math.sin(j)))) as tf.Tensor1D) : undefined;
        const o = { transposeA, transposeB, bias };
        const info = await tf.profile(() => gemm(a, b, { ...o, relu: true }));
        if (backend === 'wasm') expect(info.kernels.map((q) => q.name)).toEqual(['ReclensGemm']);
        const [got, plain] = [(info.result as tf.Tensor).dataSync(), gemm(a, b, o)];
        const expected = tf.relu(plain);
        expect(Array.from(got)).toEqual(Array.from(expected.dataSync())); // toEqual tells -0 from +0 and matches NaN
        expect(Array.from(got).some((v) => v === 0)).toBe(true);
        if (n > 1) expect(Number.isNaN(got[1])).toBe(true);
        tf.dispose([a, b, plain, expected, info.result as tf.Tensor, ...(bias ? [bias] : [])]);
      }
  });

  it('runs as one kernel: ReclensGemm on wasm, transposes and a matMul elsewhere', async () => {
    const [a, b] = [tf.randomNormal([30, 20]) as tf.Tensor2D, tf.randomNormal([10, 30]) as tf.Tensor2D];
    const info = await tf.profile(() => gemm(a, b, { transposeA: true, transposeB: true }));
    const names = info.kernels.map((k) => k.name);
    expect(names).toEqual(backend === 'wasm' ? ['ReclensGemm'] : ['Transpose', 'Transpose', 'BatchMatMul']);
    tf.dispose([a, b]);
  });

  it('propagates NaN along its row and Inf along its column', () => {
    const [m, k, n] = [9, 21, 11];
    const av = Float32Array.from({ length: m * k }, (_, i) => 1 + (i % 5));
    const bv = Float32Array.from({ length: k * n }, (_, i) => 1 + (i % 3));
    av[2 * k + 7] = NaN; // a[2, 7]: row 2 of C
    bv[4 * n + 9] = Infinity; // b[4, 9]: column 9 of C (every a > 0, so +Inf)
    const [a, b] = [tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [k, n])];
    const c = gemm(a, b).arraySync();
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        if (i === 2) expect(c[i][j]).toBeNaN();
        else if (j === 9) expect(c[i][j]).toBe(Infinity);
        else expect(Number.isFinite(c[i][j])).toBe(true);
      }
    tf.dispose([a, b]);
  });

  it.runIf(backend === 'wasm')('refuses, leaving nothing allocated, where the heap has no room for the packed B', () => {
    const [a, b] = [tf.ones([5, 3]) as tf.Tensor2D, tf.ones([3, 9]) as tf.Tensor2D];
    const wasm = (tf.backend() as unknown as { wasm: { _malloc(bytes: number): number } }).wasm;
    const malloc = wasm._malloc;
    wasm._malloc = () => 0; // what Emscripten's malloc returns when the memory cannot grow
    const [tensors, data] = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
    try {
      expect(() => gemm(a, b)).toThrow(RangeError);
    } finally {
      wasm._malloc = malloc;
    }
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual([tensors, data]);
    expect(gemm(a, b).arraySync()[4][8]).toBe(3);
    tf.dispose([a, b]);
  });

  // [m, k, n, blocks]: part register blocks and panels, k past a 256-step block, one block, and
  // the one-vector kernels of n <= 4 over several blocks.
  it.each([
    [37, 29, 13, 3],
    [37, 29, 3, 3],
    [80, 64, 1, 2],
    [6, 300, 17, 2],
    [80, 64, 64, 2],
    [9, 5, 8, 1],
  ])('%i x %i by %i in %i row blocks: each block the bits of tfjs matMul', (m, k, n, blocks) => {
    for (const transposeA of [false, true]) {
      const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, 'float32', m + k) as tf.Tensor2D;
      const b = tf.randomNormal([blocks * k, n], 0, 1, 'float32', n + 2 * k) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      const cs = gemmRowBlocks(a, b, blocks, { transposeA });
      expect(tf.memory().numTensors).toBe(before + blocks);
      cs.forEach((c, q) => {
        expect(c.shape).toEqual([m, n]);
        const composed = tf.tidy(() => gemmComposed(a, tf.slice(b, [q * k, 0], [k, -1]), { transposeA }));
        expect(Array.from(c.dataSync())).toEqual(Array.from(composed.dataSync()));
        composed.dispose();
      });
      // Not vacuous: the blocks' products differ.
      if (blocks > 1) expect(Array.from(cs[1].dataSync())).not.toEqual(Array.from(cs[0].dataSync()));
      tf.dispose([a, b, ...cs]);
    }
  });

  it('row blocks run as one kernel on wasm, slices and products elsewhere', async () => {
    const [a, b] = [tf.randomNormal([30, 20]) as tf.Tensor2D, tf.randomNormal([60, 10]) as tf.Tensor2D];
    const info = await tf.profile(() => gemmRowBlocks(a, b, 2, { transposeA: true }));
    const names = info.kernels.map((k) => k.name);
    const perBlock = ['Slice', 'Transpose', 'BatchMatMul'];
    expect(names).toEqual(backend === 'wasm' ? ['ReclensGemmRowBlocks'] : [...perBlock, ...perBlock]);
    expect(() => gemmRowBlocks(a, b, 3, { transposeA: true })).toThrow(RangeError);
    tf.dispose([a, b]);
  });

  it('row blocks with k = 0: zeros', () => {
    const [a, b] = [tf.zeros([3, 0]) as tf.Tensor2D, tf.zeros([0, 2]) as tf.Tensor2D];
    const cs = gemmRowBlocks(a, b, 2);
    expect(cs.map((c) => c.arraySync())).toEqual([0, 1].map(() => [0, 1, 2].map(() => [0, 0])));
    tf.dispose([a, b, ...cs]);
  });

  it('k = 0: the bias in every row, or zeros', () => {
    const [a, b, bias] = [tf.zeros([3, 0]) as tf.Tensor2D, tf.zeros([0, 2]) as tf.Tensor2D, tf.tensor1d([1.5, -2])];
    expect(gemm(a, b, { bias }).arraySync()).toEqual([
      [1.5, -2],
      [1.5, -2],
      [1.5, -2],
    ]);
    expect(gemm(a, b).arraySync()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(() => gemm(a, tf.zeros([1, 2]) as tf.Tensor2D)).toThrow(RangeError);
    tf.dispose([a, b, bias]);
  });
});

describe('the GEMM module', () => {
  it('narrow kernels: the first four columns of the full ones, the next four left alone', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const m = gemmWasm(memory)!;
    const heap = new Float32Array(memory.buffer);
    const [rows, k, A, B, C] = [4, 9, 0, 256, 512]; // float offsets: A 4 x 9, B one packed panel 9 x 8, C 4 x 8
    for (let i = 0; i < rows * k; i++) heap[A + i] = Math.sin(i) * 3;
    for (let i = 0; i < k * 8; i++) heap[B + i] = Math.cos(i) * 2;
    const run = (f: (typeof m.steps)[number]) => {
      heap.fill(-7, C, C + rows * 8);
      f(4 * A, 4 * k, 4, 4 * B, 4 * k * 8, 0, 4 * C, 32, k, 0, 4, 1, 0, 0);
      return Array.from(heap.slice(C, C + rows * 8));
    };
    const [full, narrow] = [run(m.steps[rows - 1]), run(m.narrowSteps[rows - 1])];
    for (let i = 0; i < rows; i++) {
      expect(narrow.slice(8 * i, 8 * i + 4)).toEqual(full.slice(8 * i, 8 * i + 4));
      expect(narrow.slice(8 * i + 4, 8 * i + 8)).toEqual([-7, -7, -7, -7]);
    }
  });
});
