/** Functional layers over Params-owned variables: each returns a pure forward function. */
import * as tf from '@tensorflow/tfjs';
import { dropoutMask } from '../engine/dropoutMaskKernel.ts';
import { affine } from './affine.ts';
import { batchNormReluTraining } from './batchNormOp.ts';
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

interface BatchNormParams {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  /** Normalises with the running averages. */
  evaluate(x: tf.Tensor2D): tf.Tensor2D;
  /** Moves the running averages by one training batch of n rows' mean and biased variance. */
  update(n: number): (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;
}

/**
 * BatchNorm1d as in PyTorch: training normalises with the batch mean and biased variance and
 * moves the running averages (momentum 0.1, unbiased variance); evaluation uses the running
 * averages. The running update is a side effect the gradient never sees (assign is not taped).
 */
function batchNormParams(p: Params, dim: number): BatchNormParams {
  const gamma = p.constant([dim], 1) as tf.Tensor1D;
  const beta = p.constant([dim], 0) as tf.Tensor1D;
  const runMean = p.stateConstant([dim], 0);
  const runVar = p.stateConstant([dim], 1);
  return {
    gamma,
    beta,
    evaluate: (x) => tf.add(tf.mul(tf.div(tf.sub(x, runMean), tf.sqrt(tf.add(runVar, BN_EPS))), gamma), beta),
    update: (n) => (mean, variance) =>
      tf.tidy(() => {
        const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
        runMean.assign(tf.add(tf.mul(runMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
        runVar.assign(tf.add(tf.mul(runVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
      }),
  };
}

/**
 * One MLP block: Linear, BatchNorm, ReLU, Dropout (thuml/Multi-Embedding's MultiLayerPerceptron).
 * In training, BatchNorm, ReLU and inverted dropout run as one op (batchNormReluTraining); the
 * mask (0 or 1 / (1 - rate), kept where u >= rate as in tf.dropout) comes from mulberry32 with one
 * seed per call (engine/dropoutMaskKernel.ts): tf.dropout's seeded randomUniform took ~30 ms per
 * 1024 x 400 mask.
 */
export function mlpBlock(p: Params, inDim: number, outDim: number, rate: number): Layer {
  const linear = dense(p, inDim, outDim);
  const bn = batchNormParams(p, outDim);
  return (x, training) => {
    const z = linear(x, training);
    if (!training) return tf.relu(bn.evaluate(z));
    const mask = rate > 0 ? dropoutMask(z.shape, p.nextSeed(), rate) : null;
    return batchNormReluTraining(z, bn.gamma, bn.beta, BN_EPS, mask, rate > 0 ? 1 / (1 - rate) : 1, bn.update(z.shape[0]));
  };
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
