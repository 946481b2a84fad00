import * as tf from '@tensorflow/tfjs';
import { flatten } from './embeddings.ts';
import { dense, meanOf, mlpBlock, mlpStack, type Layer } from './layers.ts';
import type { BuildContext, ModelBody } from './modelBody.ts';
import type { Params } from './params.ts';

/**
 * FinalMLP (Mao et al., AAAI 2023), simplified: two MLP streams over the same embeddings, each
 * behind its own feature gate 2 * sigmoid(W c + b) with c a learned context vector (the paper's
 * choice when no conditioning fields are given; one linear layer instead of the gate MLP), fused
 * bilinearly: logit = w1.o1 + w2.o2 + o1^T W12 o2 + b (one head). Per set: the gates and the first
 * block of each stream; the streams' rest and the fusion are shared.
 */
export function buildFinalMlp({ params, fields, config, embeddings }: BuildContext): ModelBody {
  const { embeddingDim: k, embeddingSets: m, mlp, dropout } = config;
  if (mlp.length === 0) throw new RangeError('FinalMLP needs at least one MLP layer');
  const dim = fields.length * k;
  const streams = [0, 1].map(() => ({
    gates: Array.from({ length: m }, () => featureGate(params, k, dim)),
    first: Array.from({ length: m }, () => mlpBlock(params, dim, mlp[0], dropout)),
    rest: mlpStack(params, mlp[0], mlp.slice(1), dropout),
  }));
  const out = mlp[mlp.length - 1];
  const w1 = dense(params, out, 1);
  const w2 = params.uniform([out, 1], 1 / Math.sqrt(out));
  const w12 = params.xavier([out, out], out, out);
  return {
    forward: (indices, training) => {
      const flat = embeddings.lookup(indices).map(flatten);
      const [o1, o2] = streams.map(({ gates, first, rest }) => rest(meanOf(flat.map((x, s) => first[s](tf.mul(x, gates[s]()), training))), training));
      const bilinear = tf.sum(tf.mul(tf.matMul(o1, w12), o2), 1, true);
      return tf.addN([w1(o1, training), tf.matMul(o2, w2), bilinear]).reshape([-1]) as tf.Tensor1D;
    },
  };
}

/** 2 * sigmoid(W c + b), 1 x dim, starting near 1 (no gating). */
function featureGate(p: Params, contextDim: number, dim: number): () => tf.Tensor2D {
  const context = p.xavier([1, contextDim], 1, contextDim);
  const gate: Layer = dense(p, contextDim, dim);
  return () => tf.mul(tf.sigmoid(gate(context as tf.Tensor2D, false)), 2);
}
