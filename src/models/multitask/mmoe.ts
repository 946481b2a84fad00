/** MMoE: shared embedding, E shared experts, a softmax gate and a tower per task. */
import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { byDepth, collect, gate, mixExperts, mlp, tower } from './blocks.ts';
import type { MultiTaskConfig, MultiTaskModel } from './types.ts';

export function buildMmoe(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  if (config.experts < 1) throw new RangeError('MMoE needs at least one expert');
  const p = new Params(config.seed);
  const inDim = fields.length * config.embeddingDim;
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
  const experts = Array.from({ length: config.experts }, () => mlp(p, inDim, config.expertWidths));
  const hidden = experts[0].outDim;
  const heads = tasks.map(() => collect(p, () => ({ gate: gate(p, inDim, config.experts), tower: tower(p, hidden, config.towerWidths) })));
  return {
    config,
    tasks,
    sharedVariables: [{ layer: 'embedding', variables: emb.tables }, ...byDepth(experts).map((variables, d) => ({ layer: `expert/${d}`, variables }))],
    taskVariables: heads.map((h) => h.variables),
    forward(indices: tf.Tensor2D) {
      const x = flatten(emb.lookup(indices)[0]);
      const outs = experts.map((e) => e.forward(x));
      return heads.map(({ result }) => result.tower(mixExperts(result.gate(x), outs)));
    },
    embeddingTables: () => [{ label: 'shared', task: null, table: emb.tables[0] }],
    dispose() {
      emb.dispose();
      p.dispose();
    },
  };
}
