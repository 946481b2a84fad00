import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticMtl } from '../../data/mtl/syntheticMtl.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { buildMultiTaskModel } from './buildMultiTaskModel.ts';
import { createMultiTaskTrainer, predictSplit } from './multiTaskTrainer.ts';
import { baseRateLogits, outputBias, setOutputBiases } from './outputBias.ts';
import { DEFAULT_MULTI_TASK_CONFIG, type MultiTaskConfig } from './types.ts';
import type { MultiTaskKind } from '../../contracts/multitaskConfig.ts';

const DATA = generateSyntheticMtl({ seed: 4, rows: 1500, users: 60, items: 80, userGroups: 4, itemCategories: 6, contexts: 3 });
const T = DATA.tasks.length;
const F = DATA.fields.length;

function tiny(kind: MultiTaskKind): MultiTaskConfig {
  return { ...DEFAULT_MULTI_TASK_CONFIG, kind, embeddingDim: 4, bottomWidths: [16, 8], expertWidths: [16, 8], towerWidths: [8], experts: 2, seed: 3 };
}

const logit = (p: number) => Math.log(p / (1 - p));

beforeAll(() => useBackend('cpu'));

describe('baseRateLogits', () => {
  it("is the log-odds of each task's positive rate on the split", () => {
    const rates = [0, 1].map((k) => {
      let s = 0;
      for (let r = 0; r < DATA.train.rows; r++) s += DATA.train.labels[r * T + k];
      return s / DATA.train.rows;
    });
    // The generator's rates: click 30 %, like 3 %.
    expect(rates[0]).toBeGreaterThan(0.2);
    expect(rates[1]).toBeLessThan(0.06);
    const b = baseRateLogits(DATA.train, T);
    expect(b[0]).toBeCloseTo(logit(rates[0]), 12);
    expect(b[1]).toBeCloseTo(logit(rates[1]), 12);
  });

  it('stays finite for a task without positives', () => {
    const split = { ...DATA.train, labels: new Float32Array(DATA.train.rows * T) };
    const b = baseRateLogits(split, T);
    expect(b.every(Number.isFinite)).toBe(true);
    expect(b[0]).toBeCloseTo(logit(1e-4), 9);
  });
});

describe('outputBias', () => {
  it.each(['shared-bottom', 'mmoe', 'ple', 'stem', 'single'] as const)(
    '%s: the variable found is the bias of each task logit (moving it by c moves every logit by c)',
    (kind) => {
      const model = buildMultiTaskModel(tiny(kind), DATA.fields, DATA.tasks);
      try {
        const before = predictSplit(model, DATA.test, F);
        const old = [0, 1].map((k) => outputBias(model, k).dataSync()[0]);
        setOutputBiases(model, [old[0] + 1.5, old[1] - 2]);
        const after = predictSplit(model, DATA.test, F);
        for (const [k, shift] of [
          [0, 1.5],
          [1, -2],
        ] as const) {
          for (let r = 0; r < 20; r++) expect(logit(after[k][r]) - logit(before[k][r])).toBeCloseTo(shift, 3);
        }
      } finally {
        model.dispose();
      }
    },
  );

  it('the trainer starts each tower at its base rate unless told not to', () => {
    const tensors = tf.memory().numTensors;
    const on = createMultiTaskTrainer(DATA, tiny('shared-bottom'), { optimizer: 'adam', lr: 1e-2, batchSize: 32, seed: 1 });
    const off = createMultiTaskTrainer(DATA, tiny('shared-bottom'), { optimizer: 'adam', lr: 1e-2, batchSize: 32, seed: 1, baseRateBias: false });
    try {
      const expected = baseRateLogits(DATA.train, T);
      for (let k = 0; k < T; k++) expect(outputBias(on.model, k).dataSync()[0]).toBeCloseTo(expected[k], 5);
      // Mean predicted rate of the rare task: near its base rate with the init, far above it without.
      const mean = (xs: Float32Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const rare = (t: typeof on) => mean(predictSplit(t.model, DATA.train, F)[1]);
      expect(Math.abs(rare(on) - 0.03)).toBeLessThan(0.03);
      expect(rare(off)).toBeGreaterThan(0.2);
    } finally {
      on.dispose();
      off.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
