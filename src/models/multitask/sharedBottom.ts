/** Shared-bottom: one embedding and one MLP shared by all tasks, a tower per task. */
import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { embeddingLookup } from '../embeddingLookup.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { collect, mlp, tower } from './blocks.ts';
import { lookupBackward, mlpBackward, stackTasks } from './stackedBackward.ts';
import type { MultiTaskConfig, MultiTaskModel, SharedTrunk } from './types.ts';

export function buildSharedBottom(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  const p = new Params(config.seed);
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
  const bottom = mlp(p, fields.length * config.embeddingDim, config.bottomWidths);
  const towers = tasks.map(() => collect(p, () => tower(p, bottom.outDim, config.towerWidths)));
  const table = emb.tables[0];
  // Shared part: the embedding and the bottom MLP, whose output every tower reads.
  const trunk: SharedTrunk = {
    forward(indices) {
      const rows = emb.globalRows(indices);
      const acts = bottom.activations(flatten(embeddingLookup(table, rows) as tf.Tensor3D));
      return {
        outputs: [acts[acts.length - 1]],
        backward(cotangents) {
          const grads = cotangents.map(() => new Map<tf.Variable, tf.Tensor>());
          lookupBackward(table, rows, mlpBackward(bottom, acts, stackTasks(cotangents.map((c) => c[0])), grads), grads);
          return grads;
        },
      };
    },
    head: (k, [h]) => towers[k].result(h),
  };
  return {
    config,
    tasks,
    sharedVariables: [{ layer: 'embedding', variables: emb.tables }, ...bottom.depths.map((variables, d) => ({ layer: `bottom/${d}`, variables }))],
    taskVariables: towers.map((t) => t.variables),
    forward(indices: tf.Tensor2D) {
      const { outputs } = trunk.forward(indices);
      return towers.map((_, k) => trunk.head(k, outputs));
    },
    trunk,
    embeddingTables: () => [{ label: 'shared', task: null, table: emb.tables[0] }],
    dispose() {
      emb.dispose();
      p.dispose();
    },
  };
}
