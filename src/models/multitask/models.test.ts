import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { buildMultiTaskModel, taskEmbedding } from './buildMultiTaskModel.ts';
import { bceWithLogits, taskGradients } from './taskGradients.ts';
import { DEFAULT_MULTI_TASK_CONFIG, type MultiTaskConfig, type MultiTaskModel } from './types.ts';
import { MULTI_TASK_KINDS, type MultiTaskKind } from '../../contracts/multitaskConfig.ts';

const FIELDS: CtrField[] = [
  { name: 'user', cardinality: 4 },
  { name: 'item', cardinality: 5 },
  { name: 'ctx', cardinality: 3 },
];
const TASKS = ['click', 'like'];
const INDICES = [0, 1, 2, 1, 4, 0, 3, 2, 1, 2, 3, 2, 1, 0, 0, 3, 4, 1];
const LABELS = [1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0];
const B = 6;

function tiny(kind: MultiTaskKind, extra: Partial<MultiTaskConfig> = {}): MultiTaskConfig {
  return {
    ...DEFAULT_MULTI_TASK_CONFIG,
    kind,
    embeddingDim: 3,
    bottomWidths: [5, 4],
    expertWidths: [5, 4],
    towerWidths: [3],
    experts: 2,
    specificExperts: 1,
    sharedExperts: 2,
    seed: 7,
    ...extra,
  };
}

const VARIANTS: [string, MultiTaskConfig][] = [
  ...MULTI_TASK_KINDS.map((k): [string, MultiTaskConfig] => [k, tiny(k)]),
  ['ple (2 levels)', tiny('ple', { levels: 2 })],
];

function taskLoss(model: MultiTaskModel, k: number): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(INDICES, [B, 3], 'int32');
    const y = tf.tensor2d(LABELS, [B, 2]);
    const yk = tf.squeeze(tf.slice(y, [0, k], [-1, 1]), [1]) as tf.Tensor1D;
    return bceWithLogits(model.forward(x, false)[k], yk).dataSync()[0];
  });
}

/** Analytic gradients of every task's loss: [task][variable name] -> values. */
function analytic(model: MultiTaskModel): Map<string, Float32Array>[] {
  const out = TASKS.map(() => new Map<string, Float32Array>());
  tf.tidy(() => {
    const x = tf.tensor2d(INDICES, [B, 3], 'int32');
    const y = tf.tensor2d(LABELS, [B, 2]);
    const g = taskGradients(model, x, y, [1, 1]);
    const shared = model.sharedVariables.flatMap((l) => l.variables);
    out.forEach((map, k) => {
      shared.forEach((v, i) => map.set(v.name, g.shared[k][i].dataSync() as Float32Array));
      model.taskVariables[k].forEach((v, i) => map.set(v.name, g.specific[k][i].dataSync() as Float32Array));
    });
  });
  return out;
}

function setEntry(v: tf.Variable, i: number, value: number): void {
  const data = v.dataSync().slice();
  data[i] = value;
  tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
}

beforeAll(() => useBackend('cpu'));

describe.each(VARIANTS)('%s', (_, config) => {
  it('matches finite differences of each task loss on its shared and own parameters', () => {
    const model = buildMultiTaskModel(config, FIELDS, TASKS);
    const grads = analytic(model);
    const h = 1e-3;
    let checked = 0;
    for (let k = 0; k < TASKS.length; k++) {
      const vars = [...model.sharedVariables.flatMap((l) => l.variables), ...model.taskVariables[k]];
      for (const v of vars) {
        const g = grads[k].get(v.name)!;
        // Largest-gradient entry (an all-zero gradient would pass vacuously) and the first entry.
        let best = 0;
        for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[best])) best = i;
        for (const i of new Set([best, 0])) {
          const x0 = v.dataSync()[i];
          setEntry(v, i, x0 + h);
          const up = taskLoss(model, k);
          setEntry(v, i, x0 - h);
          const down = taskLoss(model, k);
          setEntry(v, i, x0);
          const numeric = (up - down) / (2 * h);
          expect(Math.abs(numeric - g[i])).toBeLessThan(2e-3 + 0.03 * Math.abs(g[i]));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    model.dispose();
  });

  it('reaches each task-specific parameter only from its own task', () => {
    const model = buildMultiTaskModel(config, FIELDS, TASKS);
    const x = tf.tensor2d(INDICES, [B, 3], 'int32');
    const y = tf.tensor1d(LABELS.filter((_, i) => i % 2 === 0));
    for (let k = 0; k < 2; k++) {
      const other = model.taskVariables[1 - k];
      // Task k's own parameters keep the gradient connected (tfjs asserts some path exists).
      const { value, grads } = tf.variableGrads(() => bceWithLogits(model.forward(x, true)[k], y), [...model.taskVariables[k], ...other]);
      let checked = 0;
      for (const v of other) {
        const g = grads[v.name];
        if (g) expect(tf.max(tf.abs(g)).dataSync()[0]).toBe(0);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('model layout', () => {
  it('names the shared layers bottom to top', () => {
    const names = (c: MultiTaskConfig) => {
      const m = buildMultiTaskModel(c, FIELDS, TASKS);
      const out = m.sharedVariables.map((l) => l.layer);
      m.dispose();
      return out;
    };
    expect(names(tiny('shared-bottom'))).toEqual(['embedding', 'bottom/0', 'bottom/1']);
    expect(names(tiny('mmoe'))).toEqual(['embedding', 'expert/0', 'expert/1']);
    expect(names(tiny('ple', { levels: 2 }))).toEqual(['embedding', 'level0/expert/0', 'level0/expert/1', 'level0/gate', 'level1/expert/0', 'level1/expert/1']);
    expect(names(tiny('stem'))).toEqual(['embedding', 'expert/0', 'expert/1']);
    expect(names(tiny('single'))).toEqual([]);
  });

  it('gives STEM one shared and one slice per task, and single-task models a table each', () => {
    const stem = buildMultiTaskModel(tiny('stem'), FIELDS, TASKS);
    expect(stem.embeddingTables().map((t) => t.label)).toEqual(['shared', 'click', 'like']);
    expect(taskEmbedding(stem, 1).label).toBe('like');
    expect(stem.embeddingTables()[0].table.shape).toEqual([12, 3]);
    stem.dispose();
    const mmoe = buildMultiTaskModel(tiny('mmoe'), FIELDS, TASKS);
    expect(taskEmbedding(mmoe, 1).label).toBe('shared');
    mmoe.dispose();
  });
});

describe('STEM-Net All Forward, Task-specific Backward', () => {
  it("gives task 0's loss exactly zero gradient on task 1's experts, which still shape task 0's output", () => {
    const model = buildMultiTaskModel(tiny('stem'), FIELDS, TASKS);
    const x = tf.tensor2d(INDICES, [B, 3], 'int32');
    const y = tf.tensor1d(LABELS.filter((_, i) => i % 2 === 0));
    const likeSlice = model.embeddingTables()[2].table;
    // Task 1's variables: its slice, then its expert weights, its gate, its tower.
    const likeExpert = model.taskVariables[1][1];
    expect(likeExpert.shape).toEqual([9, 5]);
    const { grads } = tf.variableGrads(() => bceWithLogits(model.forward(x, true)[0], y), [likeExpert, likeSlice]);
    for (const g of Object.values(grads)) {
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBe(0);
      expect(g.size).toBeGreaterThan(0);
    }
    // Forward: perturbing task 1's expert changes task 0's prediction.
    const before = tf.tidy(() => model.forward(x, false)[0].dataSync());
    tf.tidy(() => likeExpert.assign(tf.add(likeExpert, 0.5)));
    const after = tf.tidy(() => model.forward(x, false)[0].dataSync());
    let change = 0;
    for (let i = 0; i < B; i++) change = Math.max(change, Math.abs(after[i] - before[i]));
    expect(change).toBeGreaterThan(1e-4);
    // Task 1's own loss does reach its expert.
    const own = tf.variableGrads(() => bceWithLogits(model.forward(x, true)[1], y), [likeExpert]);
    expect(tf.max(tf.abs(own.grads[likeExpert.name])).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([...Object.values(grads), ...Object.values(own.grads), own.value, x, y]);
    model.dispose();
  });
});
