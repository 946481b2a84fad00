import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/support/testBackend.ts';
import { affine, affineRelu, withSharedInputTransposes } from './affine.ts';

/** Two affine layers reading the same input (as MMoE's experts read the embedding): their gradients. */
function twoLayerGrads(x: tf.Tensor2D, ws: tf.Tensor2D[], bs: tf.Tensor1D[]): tf.Tensor[] {
  return tf.grads((xi: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) =>
    tf.add(tf.sum(tf.square(affine(xi as tf.Tensor2D, w1 as tf.Tensor2D, bs[0]))), tf.sum(affine(xi as tf.Tensor2D, w2 as tf.Tensor2D, bs[1]))),
  )([x, ...ws]);
}

describe('withSharedInputTransposes', () => {
  afterAll(() => useBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: the same gradients with one transpose of the shared input, nothing kept after', async (backend) => {
    await useBackend(backend);
    const x = tf.randomNormal([32, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const ws = [2, 3].map((seed) => tf.randomNormal([6, 4], 0, 1, 'float32', seed) as tf.Tensor2D);
    const bs = [tf.zeros([4]) as tf.Tensor1D, tf.ones([4]) as tf.Tensor1D];
    const transposes = async (f: () => tf.Tensor[]) => {
      let out: tf.Tensor[] = [];
      const info = await tf.profile(() => {
        out = f();
        return out;
      });
      return { out, count: info.kernels.filter((k) => k.name === 'Transpose' && k.inputShapes[0]?.[0] === 32).length };
    };
    const plain = await transposes(() => twoLayerGrads(x, ws, bs));
    const before = tf.memory().numTensors;
    const shared = await transposes(() => withSharedInputTransposes(() => twoLayerGrads(x, ws, bs)));
    // Two layers read x: two transposes of it without sharing, one with; none on wasm (gemm reads x^T in place).
    expect([plain.count, shared.count]).toEqual(backend === 'wasm' ? [0, 0] : [2, 1]);
    expect(tf.memory().numTensors).toBe(before + shared.out.length);
    shared.out.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(plain.out[i].dataSync())));
    tf.dispose([x, ...ws, ...bs, ...plain.out, ...shared.out]);
  });
});

describe('affine', () => {
  afterAll(() => useBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: value and gradients the same bits as matMuls of explicit transposes', async (backend) => {
    await useBackend(backend);
    const x = tf.randomNormal([67, 45], 0, 1, 'float32', 4) as tf.Tensor2D;
    const w = tf.randomNormal([45, 30], 0, 1, 'float32', 5) as tf.Tensor2D;
    const b = tf.randomNormal([30], 0, 1, 'float32', 6) as tf.Tensor1D;
    const dy = tf.randomNormal([67, 30], 0, 1, 'float32', 7) as tf.Tensor2D;
    const { value, grads } = tf.valueAndGrads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
      tf.sum(tf.mul(affine(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), dy)),
    )([x, w, b]);
    const y = tf.fused.matMul({ a: x, b: w, bias: b });
    const expected = [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy)];
    expect(value.dataSync()[0]).toBe(tf.sum(tf.mul(y, dy)).dataSync()[0]);
    grads.slice(0, 2).forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(expected[i].dataSync())));
    expect(grads[2].shape).toEqual([30]);
  });
});

describe('affine outside a gradient', () => {
  afterAll(() => useBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: the product alone (no customGrad scope), the value recorded under tf.grad', async (backend) => {
    await useBackend(backend);
    const x = tf.randomNormal([9, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([6, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([5], 0, 1, 'float32', 3) as tf.Tensor1D;
    const info = await tf.profile(() => affine(x, w, b));
    const names = info.kernels.map((k) => k.name);
    // customGrad's op shows as a kernel named '' around the product (checked: it does with the customGrad kept).
    expect(names).not.toContain('');
    expect(names).toContain(backend === 'wasm' ? 'ReclensGemm' : '_FusedMatMul');
    let recorded: number[] = [];
    const grad = tf.grad((xi: tf.Tensor) => {
      const y = affine(xi as tf.Tensor2D, w, b);
      recorded = Array.from(y.dataSync());
      return tf.sum(y);
    })(x);
    expect(Array.from((info.result as tf.Tensor).dataSync())).toEqual(recorded);
    // Under tf.grad it is still the layer with its gradient: dy (ones) times w^T.
    expect(Array.from(grad.dataSync())).toEqual(Array.from(tf.matMul(tf.ones([9, 5]), w, false, true).dataSync()));
    tf.dispose([x, w, b, grad, info.result as tf.Tensor]);
  });
});

describe('affineRelu', () => {
  afterAll(() => useBackend('cpu'));

  it.each(['cpu', 'wasm'] as const)('%s: relu(affine) bit for bit; outside a gradient one product kernel with no Relu', async (backend) => {
    await useBackend(backend);
    const x = tf.randomNormal([9, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([6, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([5], 0, 1, 'float32', 3) as tf.Tensor1D;
    const expected = tf.relu(affine(x, w, b));
    const info = await tf.profile(() => affineRelu(x, w, b));
    const names = info.kernels.map((k) => k.name);
    if (backend === 'wasm') expect(names).toEqual(['ReclensGemm']);
    else expect(names).toContain('Relu');
    const got = Array.from((info.result as tf.Tensor).dataSync());
    expect(got).toEqual(Array.from(expected.dataSync()));
    expect(got.filter((v) => v === 0).length).toBeGreaterThan(0);
    // Under tf.grad: the ReLU's mask on the layer's gradient.
    const grad = tf.grad((xi: tf.Tensor) => tf.sum(affineRelu(xi as tf.Tensor2D, w, b)))(x);
    const mask = tf.cast(tf.greater(expected, 0), 'float32');
    expect(Array.from(grad.dataSync())).toEqual(Array.from(tf.matMul(mask, w, false, true).dataSync()));
    tf.dispose([x, w, b, expected, grad, mask, info.result as tf.Tensor]);
  });
});
