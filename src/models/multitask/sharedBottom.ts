/** Shared-bottom: one embedding and one MLP shared by all tasks, a tower per task. */
import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { collect, mlp, tower } from './blocks.ts';
import type { MultiTaskConfig, MultiTaskModel } from './types.ts';

export function buildSharedBottom(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  const p = new Params(config.seed);
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
  const bottom = mlp(p, fields.length * config.embeddingDim, config.bottomWidths);
  const towers = tasks.map(() => collect(p, () => tower(p, bottom.outDim, config.towerWidths)));
  return {
    config,
    tasks,
    sharedVariables: [{ layer: 'embedding', variables: emb.tables }, ...bottom.depths.map((variables, d) => ({ layer: `bottom/${d}`, variables }))],
    taskVariables: towers.map((t) => t.variables),
    forward(indices: tf.Tensor2D) {
      const h = bottom.forward(flatten(emb.lookup(indices)[0]));
      return towers.map((t) => t.result(h));
    },
    embeddingTables: () => [{ label: 'shared', task: null, table: emb.tables[0] }],
    dispose() {
      emb.dispose();
      p.dispose();
    },
  };
}
