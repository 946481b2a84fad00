import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { plantedDataset, TINY_FIELDS } from '../../test/support/tinyData.ts';
import { createTrainer } from './trainer.ts';
import { DEFAULT_TRAIN_CONFIG, MODEL_KINDS, type ModelKind } from '../contracts/modelConfig.ts';

const data = plantedDataset(TINY_FIELDS, { train: 256, valid: 64, test: 64 }, 4);

/** Losses of 4 steps, the test AUC and the first spectrum's IA, on one backend. */
async function run(kind: ModelKind, backend: 'cpu' | 'wasm') {
  await selectBackend(backend);
  const t = createTrainer(
    data,
    { kind, embeddingDim: 4, embeddingSets: 2, mlp: [16, 8], dropout: 0, crossLayers: 2, cinLayers: [4, 4], seed: 2 },
    { ...DEFAULT_TRAIN_CONFIG, batchSize: 32, lr: 1e-2 },
  );
  const losses = [0, 1, 2, 3].map(() => t.step().loss);
  const { auc } = await t.evaluate('test');
  const ia = (await t.spectrumSnapshot())[0][0].information_abundance;
  t.dispose();
  return { losses, auc, ia };
}

afterAll(() => selectBackend('cpu'));

describe('training on the wasm backend (no UnsortedSegmentSum there)', () => {
  for (const kind of MODEL_KINDS) {
    it(`${kind}: same losses, AUC and spectrum as cpu`, async () => {
      const cpu = await run(kind, 'cpu');
      const before = tf.memory().numTensors;
      const wasm = await run(kind, 'wasm');
      expect(tf.memory().numTensors).toBe(before);
      wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-4));
      // 64 rows: one swapped pair of near-tied scores moves the AUC by ~1e-3.
      expect(Math.abs(wasm.auc - cpu.auc)).toBeLessThan(1e-2);
      expect(Math.abs(wasm.ia - cpu.ia)).toBeLessThan(1e-4);
    });
  }
});
