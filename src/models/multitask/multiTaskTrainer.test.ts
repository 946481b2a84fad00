import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { comparableMask } from '../../data/mtl/comparable.ts';
import { generateSyntheticMtl } from '../../data/mtl/syntheticMtl.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { createMultiTaskTrainer } from './multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG, type MultiTaskConfig } from './types.ts';
import { type MultiTaskKind } from '../../contracts/multitaskConfig.ts';

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

  it.each(['shared-bottom', 'mmoe', 'ple', 'stem', 'single'] as const)(
    '%s: learns, reports dominance, conflict and entanglement, and frees everything',
    (kind) => {
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
    },
  );

  it('rejects loss weights that do not match the tasks', () => {
    expect(() => createMultiTaskTrainer(DATA, tiny('mmoe'), { optimizer: 'adam', lr: 1e-2, batchSize: 8, seed: 1, taskLossWeights: [1] })).toThrow(
      /1 loss weights for 2 tasks/,
    );
  });
});

describe('multi-task checkpoint and restore', () => {
  const weightsOf = (trainer: ReturnType<typeof createMultiTaskTrainer>) => trainer.checkpoint().variables;

  it.each(['adam', 'adatask', 'adatask-rmsprop', 'adatask-adagrad'] as const)(
    '%s: N/2 steps, checkpoint, restore in a fresh trainer, N/2 more is bit-identical to N straight',
    (optimizer) => {
      const options = { optimizer, lr: 1e-2, batchSize: 64, seed: 7 };
      const steps = 40;
      // 40 steps of 64 rows cross two epochs, so the restored order and shuffling PRNG are exercised.
      expect(steps * 64).toBeGreaterThan(2 * DATA.train.rows);

      const straight = createMultiTaskTrainer(DATA, tiny('mmoe'), options);
      const straightLosses = Array.from({ length: steps }, () => straight.step().losses);

      const first = createMultiTaskTrainer(DATA, tiny('mmoe'), options);
      const firstLosses = Array.from({ length: steps / 2 }, () => first.step().losses);
      const saved = first.checkpoint();
      first.dispose();
      // A fresh trainer from another seed: everything that matters must come from the checkpoint.
      const resumed = createMultiTaskTrainer(DATA, { ...tiny('mmoe'), seed: 99 }, { ...options, seed: 123 });
      resumed.restore(saved);
      expect(resumed.steps).toBe(steps / 2);
      const resumedLosses = [...firstLosses, ...Array.from({ length: steps / 2 }, () => resumed.step().losses)];

      expect(resumedLosses).toEqual(straightLosses);
      expect(resumed.steps).toBe(straight.steps);
      expect(resumed.epochs).toBe(straight.epochs);
      expect(weightsOf(resumed)).toEqual(weightsOf(straight));
      expect(resumed.checkpoint().optimizer).toEqual(straight.checkpoint().optimizer);
      expect(resumed.dominance()).toEqual(straight.dominance());
      straight.dispose();
      resumed.dispose();
    },
  );

  it('leaves a restored checkpoint as it was when training goes on', () => {
    const options = { optimizer: 'adatask' as const, lr: 1e-2, batchSize: 64, seed: 7 };
    const first = createMultiTaskTrainer(DATA, tiny('mmoe'), options);
    first.step();
    const saved = first.checkpoint();
    first.dispose();
    const copy = saved.variables.map((x) => Float32Array.from(x));
    const resumed = createMultiTaskTrainer(DATA, tiny('mmoe'), options);
    resumed.restore(saved);
    resumed.step();
    expect(saved.variables).toEqual(copy);
    resumed.dispose();
  });

  it('refuses a checkpoint of another model or optimiser', () => {
    const adam = createMultiTaskTrainer(DATA, tiny('mmoe'), { optimizer: 'adam', lr: 1e-2, batchSize: 64, seed: 1 });
    adam.step();
    const saved = adam.checkpoint();
    const ple = createMultiTaskTrainer(DATA, tiny('ple'), { optimizer: 'adam', lr: 1e-2, batchSize: 64, seed: 1 });
    const adaTask = createMultiTaskTrainer(DATA, tiny('mmoe'), { optimizer: 'adatask', lr: 1e-2, batchSize: 64, seed: 1 });
    expect(() => ple.restore(saved)).toThrow(RangeError);
    expect(() => adaTask.restore(saved)).toThrow(/optimiser is adam/);
    for (const t of [adam, ple, adaTask]) t.dispose();
  });
});
