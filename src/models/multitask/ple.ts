/**
 * PLE (progressive layered extraction): per level, task-specific experts and shared experts;
 * task k's gate mixes its own and the shared experts. Below the last level a shared gate mixes
 * all experts into the next level's shared input, so every task's loss reaches the lower levels'
 * task experts too: those count as shared parameters.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { createEmbeddingSets, flatten } from '../embeddings.ts';
import { Params } from '../params.ts';
import { byDepth, collect, gate, mixExperts, mlp, tower, type Mlp } from './blocks.ts';
import type { MultiTaskConfig, MultiTaskModel, SharedLayer } from './types.ts';

interface Level {
  taskExperts: Mlp[][];
  sharedExperts: Mlp[];
  taskGates: ((x: tf.Tensor2D) => tf.Tensor2D)[];
  sharedGate: ((x: tf.Tensor2D) => tf.Tensor2D) | null;
}

export function buildPle(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  const { specificExperts: S, sharedExperts: H, levels: L } = config;
  if (S < 1 || H < 1) throw new RangeError('PLE needs at least one task-specific and one shared expert');
  if (L !== 1 && L !== 2) throw new RangeError(`PLE has one or two extraction levels, got ${String(L)}`);
  const T = tasks.length;
  const p = new Params(config.seed);
  const emb = createEmbeddingSets(p, fields, config.embeddingDim, 1);
  const shared: SharedLayer[] = [{ layer: 'embedding', variables: emb.tables }];
  const taskVariables: tf.Variable[][] = tasks.map(() => []);
  const levels: Level[] = [];
  let inDim = fields.length * config.embeddingDim;
  for (let l = 0; l < L; l++) {
    const last = l === L - 1;
    const prefix = L > 1 ? `level${l}/` : '';
    const taskExperts = tasks.map(() => Array.from({ length: S }, () => mlp(p, inDim, config.expertWidths)));
    const sharedExperts = Array.from({ length: H }, () => mlp(p, inDim, config.expertWidths));
    const gates = tasks.map(() => collect(p, () => gate(p, inDim, S + H)));
    const sharedGate = last ? null : collect(p, () => gate(p, inDim, T * S + H));
    gates.forEach((g, k) => taskVariables[k].push(...g.variables));
    if (last) {
      taskExperts.forEach((experts, k) => taskVariables[k].push(...experts.flatMap((e) => e.depths.flat())));
      byDepth(sharedExperts).forEach((variables, d) => shared.push({ layer: `${prefix}expert/${d}`, variables }));
    } else {
      byDepth([...taskExperts.flat(), ...sharedExperts]).forEach((variables, d) => shared.push({ layer: `${prefix}expert/${d}`, variables }));
      shared.push({ layer: `${prefix}gate`, variables: sharedGate!.variables });
    }
    levels.push({ taskExperts, sharedExperts, taskGates: gates.map((g) => g.result), sharedGate: sharedGate?.result ?? null });
    inDim = sharedExperts[0].outDim;
  }
  const towers = tasks.map(() => collect(p, () => tower(p, inDim, config.towerWidths)));
  towers.forEach((t, k) => taskVariables[k].push(...t.variables));

  return {
    config,
    tasks,
    sharedVariables: shared,
    taskVariables,
    forward(indices: tf.Tensor2D) {
      const x = flatten(emb.lookup(indices)[0]);
      let xs = tasks.map(() => x);
      let xShared = x;
      for (const level of levels) {
        const taskOuts = level.taskExperts.map((experts, k) => experts.map((e) => e.forward(xs[k])));
        const sharedOuts = level.sharedExperts.map((e) => e.forward(xShared));
        const next = taskOuts.map((own, k) => mixExperts(level.taskGates[k](xs[k]), [...own, ...sharedOuts]));
        if (level.sharedGate) xShared = mixExperts(level.sharedGate(xShared), [...taskOuts.flat(), ...sharedOuts]);
        xs = next;
      }
      return towers.map((t, k) => t.result(xs[k]));
    },
    embeddingTables: () => [{ label: 'shared', task: null, table: emb.tables[0] }],
    dispose() {
      emb.dispose();
      p.dispose();
    },
  };
}
