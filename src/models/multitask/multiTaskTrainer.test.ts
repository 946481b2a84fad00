import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { comparableMask } from '../../data/mtl/comparable.ts';
import { generateSyntheticMtl } from '../../data/mtl/syntheticMtl.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { createMultiTaskTrainer } from './multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG, type MultiTaskConfig, type MultiTaskKind } from './types.ts';

const DATA = generateSyntheticMtl({ seed: 4, rows: 1500, users: 60, items: 80, userGroups: 4, itemCategories: 6, contexts: 3 });

function tiny(kind: MultiTaskKind): MultiTaskConfig {
  return { ...DEFAULT_MULTI_TASK_CONFIG, kind, embeddingDim: 4, bottomWidths: [16, 8], expertWidths: [16, 8], towerWidths: [8], experts: 2, seed: 3 };
}

beforeAll(() => useBackend('cpu'));

describe('createMultiTaskTrainer', () => {
  it('keeps the tensor count flat over 200 steps (STEM, AdaTask)', () => {
    const trainer = createMultiTaskTrainer(DATA, tiny('stem'), { optimizer: 'adatask', lr: 1e-2, batchSize: 32, seed: 1 });
    trainer.step();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 199; i++) trainer.step();
    trainer.evaluate(DATA.valid);
    trainer.dominance();
    expect(tf.memory().numTensors).toBe(start);
    expect(trainer.steps).toBe(200);
    expect(trainer.epochs).toBeGreaterThan(0);
    trainer.dispose();
  });

  it.each(['shared-bottom', 'mmoe', 'ple', 'stem', 'single'] as const)('%s: learns, reports dominance, conflict and entanglement, and frees everything', (kind) => {
    const before = tf.memory().numTensors;
    const trainer = createMultiTaskTrainer(DATA, tiny(kind), { optimizer: 'adam', lr: 1e-2, batchSize: 64, seed: 2, taskLossWeights: [1, 2] });
    const total = (losses: number[]) => losses[0] + losses[1];
    const first = total(trainer.step().losses);
    let late = 0;
    for (let i = 1; i <= 80; i++) {
      const loss = total(trainer.step().losses);
      if (i > 70) late += loss / 10;
    }
    expect(late).toBeLessThan(first);

    const metrics = trainer.evaluate(DATA.train);
    expect(metrics.map((m) => m.task)).toEqual(['click', 'like']);
    expect(Math.max(metrics[0].auc, metrics[1].auc)).toBeGreaterThan(0.6);
    expect(metrics[0].gauc).toBeGreaterThan(0);
    const comparable = trainer.evaluate(DATA.test, { comparableOnly: true });
    expect(comparable[0].rows).toBe(comparableMask(DATA.test).reduce((a, b) => a + b, 0));

    const dominance = trainer.dominance(10);
    const conflict = trainer.gradientConflict();
    const entanglement = trainer.gradientEntanglement();
    if (kind === 'single') {
      expect(dominance).toEqual([]);
      expect(entanglement).toEqual([]);
    } else {
      expect(dominance[0].layer).toBe('embedding');
      for (const d of dominance) {
        expect(d.meanRau[0] + d.meanRau[1]).toBeCloseTo(1, 9);
        expect(d.argmaxShare[0] + d.argmaxShare[1]).toBeCloseTo(1, 9);
        expect(d.histogram[0].reduce((a, b) => a + b, 0)).toBe(d.parameters);
      }
      expect(conflict.map((c) => c.layer)).toEqual(dominance.map((d) => d.layer));
      for (const c of conflict) {
        expect(c.cosine[0]).toBeCloseTo(1, 6);
        expect(Math.abs(c.cosine[1])).toBeLessThanOrEqual(1 + 1e-9);
        expect(c.cosine[1]).toBe(c.cosine[2]);
      }
      expect(entanglement.map((e) => e.field)).toEqual(DATA.fields.map((f) => f.name));
      for (const e of entanglement) expect(e.cosine >= -1 && e.cosine <= 1).toBe(true);
    }
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects loss weights that do not match the tasks', () => {
    expect(() => createMultiTaskTrainer(DATA, tiny('mmoe'), { optimizer: 'adam', lr: 1e-2, batchSize: 8, seed: 1, taskLossWeights: [1] })).toThrow(/1 loss weights for 2 tasks/);
  });
});
