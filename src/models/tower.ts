import * as tf from '@tensorflow/tfjs';
import { dense, meanOf, mlpBlock, mlpStack } from './layers.ts';
import type { Params } from './params.ts';

/** Per-set interaction outputs (each batch x inDim) to one logit per row. */
export type Tower = (perSet: tf.Tensor2D[], training: boolean) => tf.Tensor1D;

/**
 * The multi-embedding MLP: each set has its own first block (Linear, BatchNorm, ReLU, Dropout) on
 * its interaction output; the blocks' outputs are averaged over sets, then the shared rest of
 * the MLP and a linear head give the logit. The ReLU before the average is what keeps M sets
 * from collapsing into one wide embedding (SCIENCE.md section 1).
 */
export function tower(p: Params, inDim: number, sets: number, mlp: number[], rate: number): Tower {
  if (mlp.length === 0) throw new RangeError('this model needs at least one MLP layer');
  const first = Array.from({ length: sets }, () => mlpBlock(p, inDim, mlp[0], rate));
  const rest = mlpStack(p, mlp[0], mlp.slice(1), rate);
  const head = dense(p, mlp[mlp.length - 1], 1);
  return (perSet, training) => {
    const h = meanOf(perSet.map((x, s) => first[s](x, training)));
    return head(rest(h, training), training).reshape([-1]) as tf.Tensor1D;
  };
}
