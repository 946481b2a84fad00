/** The wasm column-sum kernel against the transposeA matMul it replaces: the same bits, the same gradient. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { columnSumsKernel, columnSumsOfRowBlocksKernel } from './columnSumsKernel.ts';

afterAll(() => selectBackend('cpu'));

/** Values over seven magnitudes (so the order of additions shows in the bits); column 0 all -0. */
function matrix(rows: number, cols: number): tf.Tensor2D {
  const v = Float32Array.from({ length: rows * cols }, (_, i) => (i % cols === 0 ? -0 : Math.sin(i * 12.9898) * 10 ** ((i % 7) - 3)));
  return tf.tensor2d(v, [rows, cols]);
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
const viaMatMul = (x: tf.Tensor2D) => tf.matMul(tf.ones([x.shape[0], 1]), x, true, false);

describe('columnSumsKernel', () => {
  it('is absent on cpu (columnSums keeps the matMul there)', async () => {
    await selectBackend('cpu');
    const x = matrix(3, 2);
    expect(columnSumsKernel(x)).toBeNull();
    expect(columnSumsOfRowBlocksKernel(x, 3)).toBeNull();
    x.dispose();
  });

  // Blocks of 48 rows, whole and partial; 16-column groups, 4-column groups and single columns.
  const shapes = [
    [1024, 400],
    [1000, 37],
    [96, 20],
    [49, 16],
    [7, 3],
    [1, 5],
    [300, 1],
    [0, 4],
  ];
  it.each(shapes)('on wasm, %i x %i: the same bits as ones^T x', async (rows, cols) => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const x = matrix(rows, cols);
      const got = columnSumsKernel(x)!;
      expect(got.shape).toEqual([1, cols]);
      expect(bits(got)).toEqual(bits(viaMatMul(x)));
    });
  });

  it.each([
    [2, 1000, 37],
    [3, 49, 16],
    [2, 7, 3],
    [2, 0, 4],
  ])('on wasm, %i row blocks of %i x %i: each the bits of ones^T block, read in place', async (blocks, rows, cols) => {
    await selectBackend('wasm');
    const x = matrix(blocks * rows, cols);
    const info = await tf.profile(() => columnSumsOfRowBlocksKernel(x, blocks)!);
    expect(info.kernels.map((k) => k.name)).toEqual(['ReclensColumnSumsOfRowBlocks']);
    tf.tidy(() => {
      const got = columnSumsOfRowBlocksKernel(x, blocks)!;
      expect(got).toHaveLength(blocks);
      got.forEach((g, q) => {
        expect(g.shape).toEqual([1, cols]);
        expect(bits(g)).toEqual(bits(viaMatMul(tf.slice(x, [q * rows, 0], [rows, -1]))));
      });
      // Not vacuous: the blocks' sums differ.
      if (rows > 1) expect(bits(got[1])).not.toEqual(bits(got[0]));
    });
    x.dispose();
  });

  it('sums in the matMul order: a plain running sum differs (the check can fail)', async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const x = matrix(1024, 16);
      const v = x.dataSync();
      const plain = Float32Array.from({ length: 16 }, (_, j) => {
        let s = 0;
        for (let r = 0; r < 1024; r++) s = Math.fround(s + v[r * 16 + j]);
        return s;
      });
      expect(Array.from(new Uint32Array(plain.buffer))).not.toEqual(bits(columnSumsKernel(x)!));
    });
  });

  it("on wasm its gradient is the matMul's", async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const x = matrix(50, 6);
      const w = tf.tensor2d([[1.5, -2, 0.25, 3, -1, 0.5]]);
      const [a, b] = [
        (t: tf.Tensor) => tf.sum(tf.mul(columnSumsKernel(t as tf.Tensor2D)!, w)),
        (t: tf.Tensor) => tf.sum(tf.mul(viaMatMul(t as tf.Tensor2D), w)),
      ];
      expect(bits(tf.grad(a)(x))).toEqual(bits(tf.grad(b)(x)));
      expect(tf.grad(a)(x).arraySync()).toEqual(Array.from({ length: 50 }, () => [1.5, -2, 0.25, 3, -1, 0.5]));
    });
  });
});
