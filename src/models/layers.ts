/** Functional layers over Params-owned variables: each returns a pure forward function. */
import * as tf from '@tensorflow/tfjs';
import { dropoutMask } from '../engine/dropoutMaskKernel.ts';
import { affine } from './affine.ts';
import { batchNormTraining } from './batchNormOp.ts';
import type { Params } from './params.ts';

export type Layer = (x: tf.Tensor2D, training: boolean) => tf.Tensor2D;

/** y = x W + b, PyTorch nn.Linear's default init U(-1/sqrt(in), 1/sqrt(in)) for W and b. */
export function dense(p: Params, inDim: number, outDim: number): Layer {
  const limit = 1 / Math.sqrt(inDim);
  const w = p.uniform([inDim, outDim], limit);
  const b = p.uniform([outDim], limit);
  return (x) => affine(x, w as tf.Tensor2D, b as tf.Tensor1D);
}

const BN_MOMENTUM = 0.1;
const BN_EPS = 1e-5;

/**
 * BatchNorm1d as in PyTorch: training normalises with the batch mean and biased variance and
 * moves the running averages (momentum 0.1, unbiased variance); evaluation uses the running
 * averages. The running update is a side effect the gradient never sees (assign is not taped).
 */
export function batchNorm(p: Params, dim: number): Layer {
  const gamma = p.constant([dim], 1);
  const beta = p.constant([dim], 0);
  const runMean = p.stateConstant([dim], 0);
  const runVar = p.stateConstant([dim], 1);
  return (x, training) => {
    if (!training) {
      return tf.add(tf.mul(tf.div(tf.sub(x, runMean), tf.sqrt(tf.add(runVar, BN_EPS))), gamma), beta);
    }
    const n = x.shape[0];
    return batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, BN_EPS, (mean, variance) =>
      tf.tidy(() => {
        const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
        runMean.assign(tf.add(tf.mul(runMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
        runVar.assign(tf.add(tf.mul(runVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
      }),
    );
  };
}

/**
 * Inverted dropout, active only in training. The mask (0 or 1 / (1 - rate), kept where u >= rate
 * as in tf.dropout) comes from mulberry32 with one seed per call (engine/dropoutMaskKernel.ts:
 * a wasm SIMD kernel, a JS loop elsewhere): tf.dropout's seeded randomUniform took ~30 ms per
 * 1024 x 400 mask.
 */
export function dropout(p: Params, rate: number): Layer {
  return (x, training) => {
    if (!training || rate === 0) return x;
    return tf.mul(x, dropoutMask(x.shape, p.nextSeed(), rate));
  };
}

/** One MLP block: Linear, BatchNorm, ReLU, Dropout (thuml/Multi-Embedding's MultiLayerPerceptron). */
export function mlpBlock(p: Params, inDim: number, outDim: number, rate: number): Layer {
  const linear = dense(p, inDim, outDim);
  const bn = batchNorm(p, outDim);
  const drop = dropout(p, rate);
  return (x, training) => drop(tf.relu(bn(linear(x, training), training)), training);
}

/** Blocks inDim -> widths[0] -> ... -> widths[last]; the identity for no widths. */
export function mlpStack(p: Params, inDim: number, widths: number[], rate: number): Layer {
  const blocks: Layer[] = [];
  let d = inDim;
  for (const w of widths) {
    blocks.push(mlpBlock(p, d, w, rate));
    d = w;
  }
  return (x, training) => blocks.reduce((h, block) => block(h, training), x);
}

/** Element-wise mean of equally shaped tensors (the multi-embedding average over sets). */
export function meanOf<T extends tf.Tensor>(xs: T[]): T {
  return xs.length === 1 ? xs[0] : (tf.div(tf.addN(xs), xs.length) as T);
}
