/**
 * STEM-Net (Su et al., AAAI 2024; SCIENCE.md section 3): every feature has T task-specific
 * embedding slices plus one shared slice. Task k's experts read its slice, the shared experts the
 * shared slice. Task k's gate (on its slice) mixes ALL experts (All Forward), but the other
 * tasks' expert outputs pass through a stop-gradient, so task k's loss reaches only its own and
 * the shared experts (Task-specific Backward).
 */
import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { byDepth, collect, gate, mixExperts, mlp, stopGradient, tower } from './blocks.ts';
import type { MultiTaskConfig, MultiTaskModel } from './types.ts';

export function buildStemNet(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  const { specificExperts: S, sharedExperts: H } = config;
  if (S < 1 || H < 0) throw new RangeError('STEM-Net needs at least one task-specific expert per task');
  const T = tasks.length;
  const p = new Params(config.seed);
  const inDim = fields.length * config.embeddingDim;
  // Table t < T is task t's slice, table T the shared slice.
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, T + 1);
  const perTask = tasks.map(() => collect(p, () => Array.from({ length: S }, () => mlp(p, inDim, config.expertWidths))));
  const sharedExperts = Array.from({ length: H }, () => mlp(p, inDim, config.expertWidths));
  const hidden = sharedExperts[0]?.outDim ?? perTask[0].result[0].outDim;
  const heads = tasks.map(() => collect(p, () => ({ gate: gate(p, inDim, T * S + H), tower: tower(p, hidden, config.towerWidths) })));
  return {
    config,
    tasks,
    sharedVariables: [
      { layer: 'embedding', variables: [emb.tables[T]] },
      ...byDepth(sharedExperts).map((variables, d) => ({ layer: `expert/${d}`, variables })),
    ],
    taskVariables: tasks.map((_, k) => [emb.tables[k], ...perTask[k].variables, ...heads[k].variables]),
    forward(indices: tf.Tensor2D) {
      const slices = emb.lookup(indices).map(flatten);
      const taskOuts = perTask.map(({ result }, k) => result.map((e) => e.forward(slices[k])));
      const sharedOuts = sharedExperts.map((e) => e.forward(slices[T]));
      return heads.map(({ result }, k) => {
        const visible = taskOuts.flatMap((outs, j) => (j === k ? outs : outs.map((o) => stopGradient(o) as tf.Tensor2D)));
        return result.tower(mixExperts(result.gate(slices[k]), [...visible, ...sharedOuts]));
      });
    },
    embeddingTables: () => [{ label: 'shared', task: null, table: emb.tables[T] }, ...tasks.map((name, k) => ({ label: name, task: k, table: emb.tables[k] }))],
    dispose() {
      emb.dispose();
      p.dispose();
    },
  };
}
