/** mlpBackward's per-task gradients from the stacked cotangents: the bits of per-task slices, read in place on wasm. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { stackedReluBackward } from '../../engine/stackedReluBackwardKernel.ts';
import { columnSums } from '../columnSums.ts';
import { Params } from '../params.ts';
import { mlp } from './blocks.ts';
import { lookupBackward, mlpBackward, timesTransposed, transposedTimes } from './stackedBackward.ts';

const [BATCH, TASKS, IN, WIDTHS] = [37, 3, 20, [16, 8]];

describe.each(['wasm', 'cpu'] as const)('stacked backward on %s', (backend) => {
  beforeAll(() => selectBackend(backend));
  afterAll(() => selectBackend('cpu'));

  it("each task's gradients: the bits of its own rows' products and sums", async () => {
    const m = mlp(new Params(3), IN, WIDTHS);
    const x = tf.randomNormal([BATCH, IN], 0, 1, 'float32', 1) as tf.Tensor2D;
    const dOut = tf.randomNormal([TASKS * BATCH, WIDTHS[1]], 0, 1, 'float32', 2) as tf.Tensor2D;
    const acts = m.activations(x);
    const grads = Array.from({ length: TASKS }, () => new Map<tf.Variable, tf.Tensor>());
    const info = await tf.profile(() => mlpBackward(m, acts, dOut, grads));
    // The reference: each task's rows sliced out of the stacked cotangents.
    let dh = dOut;
    for (let d = WIDTHS.length - 1; d >= 0; d--) {
      const [w, b] = m.depths[d];
      const dz = stackedReluBackward(dh, acts[d + 1]);
      for (let k = 0; k < TASKS; k++) {
        const dzk = tf.slice(dz, [k * BATCH, 0], [BATCH, -1]) as tf.Tensor2D;
        expect(Array.from(grads[k].get(w)!.dataSync())).toEqual(Array.from(transposedTimes(acts[d], dzk).dataSync()));
        expect(Array.from(grads[k].get(b)!.dataSync())).toEqual(Array.from(columnSums(dzk).dataSync()));
      }
      dh = timesTransposed(dz, w as tf.Tensor as tf.Tensor2D);
    }
    // Not vacuous: the tasks' gradients differ.
    expect(Array.from(grads[1].get(m.depths[0][0])!.dataSync())).not.toEqual(Array.from(grads[0].get(m.depths[0][0])!.dataSync()));
    expect(Array.from((info.result as tf.Tensor).dataSync())).toEqual(Array.from(dh.dataSync()));
    const names = info.kernels.map((k) => k.name);
    if (backend === 'wasm') {
      // Per layer one product and one column sum over the tasks' rows in place: no slices.
      expect(names.filter((n) => n === 'ReclensGemmRowBlocks')).toHaveLength(WIDTHS.length);
      expect(names.filter((n) => n === 'ReclensColumnSumsOfRowBlocks')).toHaveLength(WIDTHS.length);
      expect(names).not.toContain('Slice');
    }
  });

  it("outMasked: the last layer's dz given, the same gradients with one ReLU backward fewer", async () => {
    const m = mlp(new Params(3), IN, WIDTHS);
    const x = tf.randomNormal([BATCH, IN], 0, 1, 'float32', 1) as tf.Tensor2D;
    const dOut = tf.randomNormal([TASKS * BATCH, WIDTHS[1]], 0, 1, 'float32', 2) as tf.Tensor2D;
    const acts = m.activations(x);
    const [plain, masked] = [0, 1].map(() => Array.from({ length: TASKS }, () => new Map<tf.Variable, tf.Tensor>()));
    const reluBackwards = async (f: () => tf.Tensor) =>
      (await tf.profile(f)).kernels.filter((k) => k.name === 'ReclensStackedReluBackward' || k.name === 'Step').length;
    const before = await reluBackwards(() => mlpBackward(m, acts, dOut, plain));
    const dz = stackedReluBackward(dOut, acts[WIDTHS.length]);
    expect(await reluBackwards(() => mlpBackward(m, acts, dz, masked, true))).toBe(before - 1);
    for (let k = 0; k < TASKS; k++)
      for (const v of m.depths.flat()) expect(Array.from(masked[k].get(v)!.dataSync())).toEqual(Array.from(plain[k].get(v)!.dataSync()));
  });

  it("lookupBackward: each task's table gradient the bits of scatterND of its rows", async () => {
    const [tableRows, dim, fields] = [11, 4, 3];
    const table = tf.variable(tf.randomNormal([tableRows, dim], 0, 1, 'float32', 4));
    // Repeated rows: the scatter adds them up.
    const rows = tf.tensor2d(
      Int32Array.from({ length: BATCH * fields }, (_, i) => (i * 7) % tableRows),
      [BATCH, fields],
      'int32',
    );
    const dx = tf.randomNormal([TASKS * BATCH, fields * dim], 0, 1, 'float32', 5) as tf.Tensor2D;
    const grads = Array.from({ length: TASKS }, () => new Map<tf.Variable, tf.Tensor>());
    const info = await tf.profile(() => lookupBackward(table, rows, dx, grads));
    for (let k = 0; k < TASKS; k++) {
      const want = tf.scatterND(rows.reshape([-1, 1]), tf.slice(dx, [k * BATCH, 0], [BATCH, -1]).reshape([-1, dim]), [tableRows, dim]);
      expect(Array.from(grads[k].get(table)!.dataSync())).toEqual(Array.from(want.dataSync()));
    }
    const names = info.kernels.map((k) => k.name);
    if (backend === 'wasm') {
      expect(names.filter((n) => n === 'ReclensScatterAddRows')).toHaveLength(TASKS);
      expect(names).not.toContain('ScatterNd');
      expect(names).not.toContain('Slice'); // each task's rows read in place
    }
  });
});
