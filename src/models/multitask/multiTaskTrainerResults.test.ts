import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticMtl } from '../../data/mtl/syntheticMtl.ts';
import { useBackend } from '../../../test/support/testBackend.ts';
import { createMultiTaskTrainer } from './multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG } from './types.ts';
import type { MultiTaskOptimizerKind } from '../../contracts/multitaskConfig.ts';

/**
 * The speed work leaves the results alone: MMoE with AdaTask, 30 steps on tfjs cpu, against the
 * numbers the trainer gave before it (commit 0d256e8: every update and gradient read back each
 * step, AU summed in float64 in JavaScript). Now AU is summed in float32 on the backend and
 * gradients are read only when a read-out asks.
 */
const DATA = generateSyntheticMtl({ seed: 4, rows: 1500, users: 60, items: 80, userGroups: 4, itemCategories: 6, contexts: 3 });

/** Per step, click loss then like loss (before the read-back lever). */
const LOSSES = [
  0.6246805191040039, 0.2787211835384369, 0.5944228768348694, 0.2782207429409027, 0.679559588432312, 0.16943888366222382, 0.6082979440689087,
  0.16893146932125092, 0.6080079078674316, 0.05860535055398941, 0.6603680849075317, 0.49967947602272034, 0.620905876159668, 0.49970564246177673,
  0.6332754492759705, 0.27861231565475464, 0.5972592830657959, 0.2780412435531616, 0.6563074588775635, 0.2783600986003876, 0.5172855854034424,
  0.2778565585613251, 0.6326212882995605, 0.1688920259475708, 0.5862128138542175, 0.49666324257850647, 0.549913227558136, 0.3866870701313019,
  0.6085484027862549, 0.060410276055336, 0.5830962061882019, 0.06044897437095642, 0.6216710805892944, 0.059786565601825714, 0.5951360464096069,
  0.3847976624965668, 0.6594499349594116, 0.3858964741230011, 0.5647984147071838, 0.057669222354888916, 0.5792924165725708, 0.05608610063791275,
  0.66298907995224, 0.4953208267688751, 0.5930418372154236, 0.4942190945148468, 0.6746070981025696, 0.27476346492767334, 0.48625215888023376,
  0.054821908473968506, 0.5103352069854736, 0.16360698640346527, 0.6025193333625793, 0.2733987867832184, 0.616371214389801, 0.28144213557243347,
  0.7680944204330444, 0.2638416588306427, 0.6009454727172852, 0.26726940274238586,
];
/** Mean rAU (click, like) per shared layer after 30 steps, float64 AU. */
const MEAN_RAU = [
  [0.378044265219777, 0.6219557347802229],
  [0.4594760867034591, 0.5405239132965413],
  [0.5306715933121935, 0.4693284066878066],
];
/** Gradient cosine matrices per shared layer at step 30. */
const COSINE = [
  [1, -0.181943205362, -0.181943205362, 1],
  [1, -0.001244061368, -0.001244061368, 1],
  [1, 0.103673952494, 0.103673952494, 1],
];

beforeAll(() => useBackend('cpu'));

describe('multi-task trainer without per-step read-backs', () => {
  it('gives the same losses, rAU and gradient cosines as before on a fixed seed', () => {
    const trainer = createMultiTaskTrainer(
      DATA,
      { ...DEFAULT_MULTI_TASK_CONFIG, kind: 'mmoe', embeddingDim: 4, bottomWidths: [16, 8], expertWidths: [16, 8], towerWidths: [8], experts: 2, seed: 3 },
      { optimizer: 'adatask', lr: 1e-2, batchSize: 64, seed: 2, taskLossWeights: [1, 2] },
    );
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push(...trainer.step().losses);
    // The same kernels in the same order: equal to float32 rounding.
    losses.forEach((l, i) => expect(Math.abs(l - LOSSES[i])).toBeLessThanOrEqual(1e-6 * Math.abs(LOSSES[i])));
    // AU in float32 instead of float64: measured differences are below 2e-8.
    trainer.dominance(10).forEach((d, i) => d.meanRau.forEach((r, k) => expect(Math.abs(r - MEAN_RAU[i][k])).toBeLessThan(1e-6)));
    trainer.gradientConflict().forEach((c, i) => Array.from(c.cosine).forEach((v, k) => expect(Math.abs(v - COSINE[i][k])).toBeLessThan(1e-6)));
    // The kept gradients replace the previous step's: the tensor count stays flat.
    const before = tf.memory().numTensors;
    trainer.step();
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});

/**
 * Every optimiser on cpu and wasm, before the flat optimiser state (one tensor for all shared
 * variables, one for the task-specific ones, AU likewise; commit 47246b2 had a tensor per
 * variable): the sum of the 60 losses, the last step's two and the sum of every checkpointed
 * moment. The same element-wise kernels run on the same values, so the measured difference was 0;
 * the tolerance allows float32 rounding only.
 */
const BEFORE_FLAT: Record<string, { lossSum: number; last: [number, number]; momentSum: number }> = {
  'cpu adatask': { lossSum: 26.048461072146893, last: [0.6009454727172852, 0.26726940274238586], momentSum: -0.04202947725986539 },
  'cpu adam': { lossSum: 26.097079638391733, last: [0.6052745580673218, 0.27127400040626526], momentSum: -0.020758886940623947 },
  'cpu adatask-rmsprop': { lossSum: 25.807199627161026, last: [0.6042423844337463, 0.18582937121391296], momentSum: 0.00809238151587566 },
  'cpu adatask-adagrad': { lossSum: 26.083851873874664, last: [0.6065460443496704, 0.2760137915611267], momentSum: 0.2660084744409619 },
  'wasm adatask': { lossSum: 26.048461090773344, last: [0.6009455323219299, 0.26726940274238586], momentSum: -0.042029470690891496 },
  'wasm adam': { lossSum: 26.097080007195473, last: [0.6052745580673218, 0.27127403020858765], momentSum: -0.020758875012644933 },
  'wasm adatask-rmsprop': { lossSum: 25.807203019037843, last: [0.6042423844337463, 0.1858314424753189], momentSum: 0.008092455609152302 },
  'wasm adatask-adagrad': { lossSum: 26.083852097392082, last: [0.6065461039543152, 0.2760137915611267], momentSum: 0.26600846760235874 },
};

describe('multi-task trainer with its optimiser state laid flat', () => {
  it.each(Object.keys(BEFORE_FLAT))('%s: the same losses and moments as before', async (key) => {
    const [backend, optimizer] = key.split(' ') as ['cpu' | 'wasm', MultiTaskOptimizerKind];
    await useBackend(backend);
    try {
      const trainer = createMultiTaskTrainer(
        DATA,
        { ...DEFAULT_MULTI_TASK_CONFIG, kind: 'mmoe', embeddingDim: 4, bottomWidths: [16, 8], expertWidths: [16, 8], towerWidths: [8], experts: 2, seed: 3 },
        { optimizer, lr: 1e-2, batchSize: 64, seed: 2, taskLossWeights: [1, 2] },
      );
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) losses.push(...trainer.step().losses);
      const moments = trainer.checkpoint().optimizer.moments;
      trainer.dispose();
      const want = BEFORE_FLAT[key];
      expect(Math.abs(losses.reduce((a, b) => a + b, 0) - want.lossSum)).toBeLessThan(1e-6 * want.lossSum);
      // Per-task gradients now come from one forward pass (taskGradients.ts): MMoE's embedding
      // cotangent is summed in another order. The last losses moved by 0 except adatask-rmsprop's
      // like loss, 6.5e-6 of it on cpu and 7.5e-6 on wasm (RMSProp's first steps divide by sqrt of
      // a tiny v): those two cases get 1e-5, the others keep 1e-6.
      const lastTolerance = optimizer === 'adatask-rmsprop' ? 1e-5 : 1e-6;
      want.last.forEach((l, i) => expect(Math.abs(losses[58 + i] - l)).toBeLessThanOrEqual(lastTolerance * l));
      let momentSum = 0;
      for (const m of moments) for (const x of m) momentSum += x;
      expect(Math.abs(momentSum - want.momentSum)).toBeLessThan(1e-7);
    } finally {
      await useBackend('cpu');
    }
  });
});
