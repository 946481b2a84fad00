/** MMoE: shared embedding, E shared experts, a softmax gate and a tower per task. */
import * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { embeddingLookup } from '../embeddingLookup.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { byDepth, collect, gate, mixExperts, mlp, tower } from './blocks.ts';
import { lookupBackward, mlpBackward, stackTasks } from './stackedBackward.ts';
import type { MultiTaskConfig, MultiTaskModel, SharedTrunk } from './types.ts';

export function buildMmoe(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  if (config.experts < 1) throw new RangeError('MMoE needs at least one expert');
  const p = new Params(config.seed);
  const inDim = fields.length * config.embeddingDim;
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
  const experts = Array.from({ length: config.experts }, () => mlp(p, inDim, config.expertWidths));
  const hidden = experts[0].outDim;
  const heads = tasks.map(() => collect(p, () => ({ gate: gate(p, inDim, config.experts), tower: tower(p, hidden, config.towerWidths) })));
  const table = emb.tables[0];
  // Shared part: the embedding and the experts; the trunk's outputs are the embedding (the gates
  // read it) and each expert's output.
  const trunk: SharedTrunk = {
    forward(indices) {
      const rows = emb.globalRows(indices);
      const x = flatten(embeddingLookup(table, rows) as tf.Tensor3D);
      const acts = experts.map((e) => e.activations(x));
      return {
        outputs: [x, ...acts.map((a) => a[a.length - 1])],
        backward(cotangents) {
          const grads = cotangents.map(() => new Map<tf.Variable, tf.Tensor>());
          const fromExperts = experts.map((e, i) => mlpBackward(e, acts[i], stackTasks(cotangents.map((c) => c[1 + i])), grads));
          lookupBackward(table, rows, tf.addN([stackTasks(cotangents.map((c) => c[0])), ...fromExperts]), grads);
          return grads;
        },
      };
    },
    head: (k, [x, ...outs]) => heads[k].result.tower(mixExperts(heads[k].result.gate(x), outs)),
  };
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
