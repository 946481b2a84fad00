/**
 * The threaded wasm build in Node (nodeWasmThreads.ts): a fixed-seed DeepFM trains to the same
 * losses and weights, bit for bit, on a 1- and a 2-thread pool. XNNPACK splits each product's
 * output tiles over the pool (every sum runs in one thread, in one order), and the project's
 * kernels (Adam, Transpose, Slice, Concat) run on the pool's shared memory.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type ModelConfig } from '../contracts/modelConfig.ts';
import type { CtrField } from '../data/ctr/ctrDataset.ts';
import { createTrainer } from '../models/trainer.ts';
import { plantedDataset } from '../../test/support/tinyData.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { startThreadedWasm } from './nodeWasmThreads.ts';

// 26 fields x dim 16 and a 128-wide MLP at batch 256: products of 256 x 416 x 128, several
// output tiles for each of two threads.
const FIELDS: CtrField[] = Array.from({ length: 26 }, (_, i) => ({ name: `C${i + 1}`, cardinality: 40 }));
const MODEL: ModelConfig = { kind: 'deepfm', embeddingDim: 16, embeddingSets: 1, mlp: [128, 128], dropout: 0.2, crossLayers: 0, cinLayers: [], seed: 3 };
const data = plantedDataset(FIELDS, { train: 1024, valid: 256, test: 256 }, 4);

async function trainOn(threads: number): Promise<{ pool: number; losses: number[]; weights: string }> {
  const pool = await startThreadedWasm(threads);
  const trainer = createTrainer(data, MODEL, { ...DEFAULT_TRAIN_CONFIG, batchSize: 256, epochs: 100, earlyStopPatience: 0 });
  try {
    const losses = Array.from({ length: 6 }, () => trainer.step().loss);
    const hash = createHash('sha256');
    for (const v of trainer.model.trainableVariables) hash.update(v.dataSync() as Float32Array);
    return { pool, losses, weights: hash.digest('hex') };
  } finally {
    trainer.dispose();
  }
}

describe('threaded wasm in Node', () => {
  it('a fixed-seed DeepFM gives the same losses and weights at 1 and 2 threads', async () => {
    await selectBackend('wasm'); // the project's kernels, registered for any 'wasm' backend
    const one = await trainOn(1);
    const two = await trainOn(2);
    expect(tf.getBackend()).toBe('wasm');
    expect([one.pool, two.pool]).toEqual([1, 2]);
    expect(one.losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    expect(one.losses.at(-1)!).toBeLessThan(one.losses[0]);
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toBe(one.weights);
  }, 20_000);
});
