/** MMoE: shared embedding, E shared experts, a softmax gate and a tower per task. */
import * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { embeddingLookup } from '../embeddingLookup.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { columnSums } from '../columnSums.ts';
import { expertCotangents, expertGateBackward, expertMix } from '../../engine/expertMixKernel.ts';
import { stackedAddN } from '../../engine/stackedAddNKernel.ts';
import { dense } from '../layers.ts';
import { byDepth, collect, gate, mixExperts, mlp } from './blocks.ts';
import { lookupBackward, mlpBackward, stackTasks, timesTransposed, transposedTimes } from './stackedBackward.ts';
import type { HeadPass, MultiTaskConfig, MultiTaskModel, SharedTrunk } from './types.ts';

export function buildMmoe(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  if (config.experts < 1) throw new RangeError('MMoE needs at least one expert');
  const p = new Params(config.seed);
  const inDim = fields.length * config.embeddingDim;
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
  const experts = Array.from({ length: config.experts }, () => mlp(p, inDim, config.expertWidths));
  const hidden = experts[0].outDim;
  // Per task: a gate, then a tower (an MLP and a linear logit), created in blocks.tower's order.
  const heads = tasks.map(() =>
    collect(p, () => {
      const g = collect(p, () => gate(p, inDim, config.experts));
      const body = mlp(p, hidden, config.towerWidths);
      const out = collect(p, () => dense(p, body.outDim, 1));
      return { gate: g, body, out };
    }),
  );
  const tower = (k: number, mix: tf.Tensor2D) => heads[k].result.out.result(heads[k].result.body.forward(mix), false).reshape([-1]) as tf.Tensor1D;
  const table = emb.tables[0];
  // Shared part: the embedding and the experts; the trunk's outputs are the embedding (the gates
  // read it) and each expert's output.
  const trunk: SharedTrunk = {
    forward(indices) {
      const rows = emb.globalRows(indices);
      const x = flatten(embeddingLookup(table, rows) as tf.Tensor3D);
      const acts = experts.map((e) => e.activations(x));
      const outs = acts.map((a) => a[a.length - 1]);
      // Off wasm, the experts' outputs stacked once for every task's mix (mixExperts stacks them per call).
      let stacked: tf.Tensor3D | null = null;
      const perExpert = tf.getBackend() === 'wasm';
      // On wasm, each head's mix cotangent and gate weights: the experts' cotangents of every task are taken at once from them.
      const mixes: MixCotangent[] = [];
      return {
        outputs: [x, ...outs],
        head: (k) => headPass(k, x, outs, perExpert ? null : (stacked ??= tf.stack(outs, 1) as tf.Tensor3D), (m) => (mixes[k] = m)),
        backward(cotangents) {
          const grads = cotangents.map(() => new Map<tf.Variable, tf.Tensor>());
          const deferred = cotangents.filter((_, k) => mixes[k] !== undefined).length;
          if (deferred !== 0 && deferred !== cotangents.length) throw new RangeError(`MMoE: ${deferred} of ${cotangents.length} heads left their mix`);
          // The experts' last ReLU masks applied with their cotangents (then the last layer's dz);
          // experts of no layer output the embedding itself, which no ReLU masks.
          const masked = deferred > 0 && config.expertWidths.length > 0;
          const toExperts =
            deferred > 0
              ? expertCotangents(
                  mixes.map((m) => m.dmix),
                  mixes.map((m) => m.weights),
                  masked ? outs : undefined,
                )
              : experts.map((_, i) => stackTasks(cotangents.map((c) => c[1 + i])));
          const fromExperts = experts.map((e, i) => mlpBackward(e, acts[i], toExperts[i], grads, masked));
          lookupBackward(
            table,
            rows,
            stackedAddN(
              cotangents.map((c) => c[0]),
              fromExperts,
            ),
            grads,
          );
          return grads;
        },
      };
    },
    head: (k, [x, ...outs]) => tower(k, mixExperts(heads[k].result.gate.result(x), outs)),
  };

  /**
   * Task k's head forward (the same ops as SharedTrunk.head) and its backward by hand: the tower's
   * layers, the mix (d expert_e = dmix w[:, e], dw = sum_h dmix expert_e), the softmax in tfjs's
   * form (dz = dw y - sum(dw y) y) and the gate's affine layer.
   *
   * stacked: the experts' outputs as batch x E x H, for the mix and dw as one broadcast product and
   * sum each; null on wasm, where they are taken per expert instead (expertMixKernel.ts: mix =
   * addN_e of expert_e w[:, e], dw[:, e] = sum_h of expert_e dmix, one kernel each way): the same
   * products, added in the same order (Sum and AddN both add from +0 in float32 there), without the
   * stack, the middle-axis sum's transpose and the broadcasts' slow path. The cpu backend's Sum adds
   * in float64: it keeps the stacked form. On wasm the head returns the gate's cotangent alone and
   * hands its mix to `leave`: the trunk's backward takes every task's experts' cotangents at once.
   */
  function headPass(k: number, x: tf.Tensor2D, outs: tf.Tensor2D[], stacked: tf.Tensor3D | null, leave: (mix: MixCotangent) => void): HeadPass {
    const { gate: g, body, out } = heads[k].result;
    const weights = g.result(x);
    const mix = stacked ? (tf.sum(tf.mul(stacked, weights.expandDims(2)), 1) as tf.Tensor2D) : expertMix(weights, outs);
    const acts = body.activations(mix);
    const top = acts[acts.length - 1];
    return {
      logits: out.result(top, false).reshape([-1]) as tf.Tensor1D,
      backward(dLogits) {
        const grads = [new Map<tf.Variable, tf.Tensor>()];
        const dl = dLogits.reshape([-1, 1]) as tf.Tensor2D;
        const [wo, bo] = out.variables;
        grads[0].set(wo, transposedTimes(top, dl));
        grads[0].set(bo, columnSums(dl).reshape([-1]));
        const dmix = mlpBackward(body, acts, timesTransposed(dl, wo as tf.Tensor as tf.Tensor2D), grads);
        const { dz, dExperts } = stacked ? stackedMixBackward(dmix, weights, stacked) : { dz: expertGateBackward(dmix, weights, outs), dExperts: [] };
        if (!stacked) leave({ dmix, weights });
        const [wg, bg] = g.variables;
        grads[0].set(wg, transposedTimes(x, dz));
        grads[0].set(bg, columnSums(dz).reshape([-1]));
        return {
          own: heads[k].variables.map((v) => grads[0].get(v) ?? tf.zerosLike(v)),
          cotangents: [timesTransposed(dz, wg as tf.Tensor as tf.Tensor2D), ...dExperts],
        };
      },
    };
  }
  return {
    config,
    tasks,
    sharedVariables: [{ layer: 'embedding', variables: emb.tables }, ...byDepth(experts).map((variables, d) => ({ layer: `expert/${d}`, variables }))],
    taskVariables: heads.map((h) => h.variables),
    forward(indices: tf.Tensor2D) {
      const { outputs } = trunk.forward(indices);
      return tasks.map((_, k) => trunk.head(k, outputs));
    },
    trunk,
    embeddingTables: () => [{ label: 'shared', task: null, table: emb.tables[0] }],
    dispose() {
      emb.dispose();
      p.dispose();
    },
  };
}

/** A head's mix cotangent and its gate's weights. */
interface MixCotangent {
  dmix: tf.Tensor2D;
  weights: tf.Tensor2D;
}

/** The mix's and the softmax's backward over the experts' outputs stacked as batch x E x H. */
function stackedMixBackward(dmix: tf.Tensor2D, weights: tf.Tensor2D, stacked: tf.Tensor3D): { dz: tf.Tensor2D; dExperts: tf.Tensor2D[] } {
  const dw = tf.sum(tf.mul(stacked, dmix.expandDims(1)), 2);
  const dwy = tf.mul(dw, weights);
  const dz = tf.sub(dwy, tf.mul(tf.sum(dwy, 1, true), weights)) as tf.Tensor2D;
  const columns = tf.unstack(tf.transpose(weights)).map((c) => c.expandDims(1) as tf.Tensor2D);
  return { dz, dExperts: columns.map((c) => tf.mul(dmix, c) as tf.Tensor2D) };
}
