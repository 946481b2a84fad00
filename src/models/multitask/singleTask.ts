/**
 * Single-task baselines as one model: each task has its own embedding, MLP and tower, and no
 * parameter is shared (the reference models of the conflict-pair measure).
 */
import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { collect, mlp, tower } from './blocks.ts';
import type { MultiTaskConfig, MultiTaskModel } from './types.ts';

export function buildSingleTaskModels(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  const p = new Params(config.seed);
  const perTask = tasks.map(() =>
    collect(p, () => {
      const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
      const body = mlp(p, fields.length * config.embeddingDim, config.bottomWidths);
      const head = tower(p, body.outDim, config.towerWidths);
      return { emb, forward: (indices: tf.Tensor2D) => head(body.forward(flatten(emb.lookup(indices)[0]))) };
    }),
  );
  return {
    config,
    tasks,
    sharedVariables: [],
    taskVariables: perTask.map((t) => t.variables),
    forward: (indices: tf.Tensor2D) => perTask.map((t) => t.result.forward(indices)),
    embeddingTables: () => perTask.map((t, k) => ({ label: tasks[k], task: k, table: t.result.emb.tables[0] })),
    dispose() {
      for (const t of perTask) t.result.emb.dispose();
      p.dispose();
    },
  };
}
