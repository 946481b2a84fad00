/** Building blocks of the multi-task models: MLPs whose variables are grouped by depth, gates, towers, stop-gradient. */
import * as tf from '@tensorflow/tfjs';
import { affineRelu } from '../affine.ts';
import { dense } from '../layers.ts';
import type { Params } from '../params.ts';

/** The trainable variables `build` creates on p, with its result. */
export function collect<R>(p: Params, build: () => R): { result: R; variables: tf.Variable[] } {
  const before = p.trainable.length;
  const result = build();
  return { result, variables: p.trainable.slice(before) };
}

export interface Mlp {
  forward: (x: tf.Tensor2D) => tf.Tensor2D;
  /** [x, h_1, ..., h_L]: the input and every layer's output (the last is forward's result). */
  activations: (x: tf.Tensor2D) => tf.Tensor2D[];
  /** Variables of each depth: [W, b] of layer d. */
  depths: tf.Variable[][];
  outDim: number;
}

/** Linear + ReLU per width; the identity for no widths. */
export function mlp(p: Params, inDim: number, widths: readonly number[]): Mlp {
  const layers: ((x: tf.Tensor2D) => tf.Tensor2D)[] = [];
  const depths: tf.Variable[][] = [];
  let d = inDim;
  for (const w of widths) {
    const { variables } = collect(p, () => dense(p, d, w));
    const [weights, bias] = variables as [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>];
    layers.push((x) => affineRelu(x, weights, bias));
    depths.push(variables);
    d = w;
  }
  const activations = (x: tf.Tensor2D) => layers.reduce((hs, layer) => [...hs, layer(hs[hs.length - 1])], [x]);
  return { forward: (x) => layers.reduce((h, layer) => layer(h), x), activations, depths, outDim: d };
}

/** Task tower: MLP then a linear logit. */
export function tower(p: Params, inDim: number, widths: readonly number[]): (x: tf.Tensor2D) => tf.Tensor1D {
  const body = mlp(p, inDim, widths);
  const head = dense(p, body.outDim, 1);
  return (x) => head(body.forward(x), false).reshape([-1]) as tf.Tensor1D;
}

/** Softmax gate over n experts: weights (batch x n) from the gate input. */
export function gate(p: Params, inDim: number, n: number): (x: tf.Tensor2D) => tf.Tensor2D {
  const linear = dense(p, inDim, n);
  return (x) => tf.softmax(linear(x, false));
}

/**
 * sum_e weights[:, e] * experts[e] (each batch x H), with a hand-written gradient. The stock one
 * unstacks a batch x E x H gradient (tfjs-backend-wasm slices by copying the whole input into
 * JavaScript and looping there, per expert) and broadcasts the sum's gradient through a
 * JavaScript-filled ones tensor. This one takes the same products: d expert_e = dy * w[:, e],
 * d w[:, e] = sum_h dy * expert_e (the stock reduction over h of the same products).
 */
export function mixExperts(weights: tf.Tensor2D, experts: tf.Tensor2D[]): tf.Tensor2D {
  const mix = tf.customGrad((...inputs) => {
    const w = inputs[0] as tf.Tensor2D;
    const outs = inputs.slice(1, 1 + experts.length) as tf.Tensor2D[];
    const save = inputs[1 + experts.length] as tf.GradSaveFunc;
    const stacked = tf.stack(outs, 1) as tf.Tensor3D; // batch x E x H
    save([w, stacked]);
    return {
      value: tf.sum(tf.mul(stacked, w.expandDims(2)), 1) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ws, st] = saved as [tf.Tensor2D, tf.Tensor3D];
        const dy2 = dy as tf.Tensor2D;
        const dw = tf.sum(tf.mul(st, dy2.expandDims(1)), 2);
        // Rows of w^T are contiguous: cheap slices.
        const columns = tf.unstack(tf.transpose(ws));
        return [dw, ...columns.map((c) => tf.mul(dy2, c.expandDims(1)))];
      },
    };
  });
  return mix(weights, ...experts) as tf.Tensor2D;
}

/** Identity forward, zero gradient backward (STEM's Task-specific Backward). */
export const stopGradient = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;

/** Layer variables of several parallel MLPs grouped by depth: depth d of every MLP together. */
export function byDepth(mlps: readonly Mlp[]): tf.Variable[][] {
  const depth = mlps[0]?.depths.length ?? 0;
  return Array.from({ length: depth }, (_, d) => mlps.flatMap((m) => m.depths[d]));
}
