import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { fieldResult, informationAbundance, singularValuesFromGram } from '../analysis/spectrum.ts';
import { auc } from '../data/ctr/auc.ts';
import type { CtrDataset } from '../data/ctr/ctrDataset.ts';
import { createRng } from '../data/ctr/prng.ts';
import { plantedDataset, randomIndices, TINY_FIELDS } from '../../test/support/tinyData.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { createTrainer } from './trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../contracts/modelConfig.ts';
import type { ModelConfig, ModelKind } from '../contracts/modelConfig.ts';

beforeAll(() => selectBackend('cpu'));

const small = (kind: ModelKind, sets = 1): ModelConfig => ({
  kind,
  embeddingDim: 4,
  embeddingSets: sets,
  mlp: [16, 8],
  dropout: 0.1,
  crossLayers: 2,
  cinLayers: [4, 4],
  seed: 7,
});
const trainConfig = (over: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_TRAIN_CONFIG, batchSize: 32, epochs: 100, ...over });
const data = plantedDataset(TINY_FIELDS, { train: 640, valid: 300, test: 300 }, 3);

describe('createTrainer', () => {
  for (const kind of ['dnn', 'dcnv2'] as const) {
    it(`${kind}: tensor count is flat over 300 steps and after every read-out`, async () => {
      // Validation every 5 steps: the best-weights copy exists from step 5 on, so step 10 is steady.
      const t = createTrainer(data, small(kind, 2), trainConfig({ evalEvery: 5, earlyStopPatience: 0 }));
      await t.runSteps(10);
      const after10 = tf.memory().numTensors;
      const run = await t.runSteps(290);
      expect(t.state.step).toBe(300);
      expect(run.validations).toHaveLength(58);
      expect(tf.memory().numTensors).toBe(after10);
      console.log(`${kind}: numTensors ${after10} after step 10 and ${tf.memory().numTensors} after step 300`);
      await t.evaluate('test');
      await t.embeddingSnapshot();
      await t.spectrumSnapshot();
      if (kind === 'dcnv2') await t.interactionCollapse(1);
      expect(tf.memory().numTensors).toBe(after10);
      t.dispose();
    });
  }

  it('disposes everything it made', () => {
    const before = tf.memory().numTensors;
    const t = createTrainer(data, small('xdeepfm', 2), trainConfig({}));
    for (let i = 0; i < 3; i++) t.step();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('learns a planted problem: DNN test AUC near the Bayes AUC', async () => {
    const planted = plantedDataset(TINY_FIELDS, { train: 6000, valid: 1500, test: 3000 }, 11);
    const t = createTrainer(
      planted,
      { ...small('dnn'), mlp: [32, 16], dropout: 0 },
      trainConfig({ lr: 1e-2, batchSize: 128, epochs: 8, earlyStopPatience: 3 }),
    );
    const before = await t.evaluate('test');
    while (!t.state.done) await t.runSteps(50);
    t.restoreBest();
    const after = await t.evaluate('test');
    const bayes = auc(planted.test.trueProbabilities!, planted.test.labels);
    console.log(
      `planted DNN: test AUC ${before.auc.toFixed(4)} -> ${after.auc.toFixed(4)}, Bayes ${bayes.toFixed(4)}, logloss ${after.logloss.toFixed(4)}, gAUC ${after.gauc?.toFixed(4)}, steps ${t.state.step}`,
    );
    expect(after.auc).toBeGreaterThan(bayes - 0.02);
    expect(after.auc).toBeGreaterThan(before.auc + 0.1);
    expect(after.gauc).toBeGreaterThan(0.5);
    t.dispose();
  });

  it('counts epochs with constant-size batches and stops after the last', () => {
    const t = createTrainer(data, small('lr'), trainConfig({ batchSize: 200, epochs: 2 }));
    expect(t.state.stepsPerEpoch).toBe(3); // 640 rows: 3 batches of 200, 40 dropped
    const epochs = [1, 2, 3, 4, 5, 6].map(() => t.step().epoch);
    expect(epochs).toEqual([0, 0, 1, 1, 1, 2]);
    expect(t.state.done).toBe(true);
    expect(t.state.samplesSeen).toBe(1200);
    expect(() => t.step()).toThrow(/finished/);
    t.dispose();
  });

  it('is reproducible from its seeds and shuffles by TrainConfig.seed', async () => {
    const losses = async (seed: number) => {
      const t = createTrainer(data, small('deepfm'), trainConfig({ seed }));
      const out = [1, 2, 3, 4].map(() => t.step().loss);
      t.dispose();
      return out;
    };
    expect(await losses(1)).toEqual(await losses(1));
    expect(await losses(1)).not.toEqual(await losses(2));
  });

  it('a checkpoint resumes the run exactly: same losses, validations and weights as without the break', async () => {
    // DeepFM with dropout and BatchNorm, across an epoch boundary (20 steps per epoch) and a validation.
    const config = trainConfig({ evalEvery: 7, epochs: 3 });
    const straight = createTrainer(data, small('deepfm'), config);
    const expected = [...(await straight.runSteps(13)).validations, ...(await straight.runSteps(20)).validations];
    const expectedLosses = [1, 2, 3].map(() => straight.step().loss);

    const first = createTrainer(data, small('deepfm'), config);
    await first.runSteps(13);
    const saved = await first.checkpoint();
    first.dispose();
    expect(saved.state.step).toBe(13);
    expect(saved.best).not.toBeNull();
    const before = tf.memory().numTensors;
    const resumed = createTrainer(data, small('deepfm'), config);
    await resumed.resume(saved);
    const validations = [...(await resumed.runSteps(20)).validations];
    expect(validations).toEqual(expected.filter((v) => v.step > 13));
    expect([1, 2, 3].map(() => resumed.step().loss)).toEqual(expectedLosses);
    expect(resumed.state).toEqual(straight.state);
    const [a, b] = [straight.model.embeddingTables[0].dataSync(), resumed.model.embeddingTables[0].dataSync()];
    expect(Array.from(b)).toEqual(Array.from(a));
    // The control: a fresh trainer that only gets the weights (no moments, order or dropout
    // position) takes a different next step.
    const partial = await resumed.checkpoint();
    const blind = createTrainer(data, small('deepfm'), config);
    await blind.resume({ ...partial, optimizer: { iterations: 0, betaPowers: [0.9, 0.999], moments: [] } });
    expect(blind.step().loss).toBeCloseTo(straight.step().loss, 6);
    expect(Array.from(blind.model.embeddingTables[0].dataSync())).not.toEqual(Array.from(straight.model.embeddingTables[0].dataSync()));
    [straight, resumed, blind].forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('refuses a checkpoint of another model or dataset, naming the mismatch', async () => {
    const t = createTrainer(data, small('dnn'), trainConfig({}));
    t.step();
    const saved = await t.checkpoint();
    const other = createTrainer(data, { ...small('dnn'), mlp: [8] }, trainConfig({}));
    await expect(other.resume(saved)).rejects.toThrow(/variables|values/);
    const otherBatch = createTrainer(data, small('dnn'), trainConfig({ batchSize: 64 }));
    await expect(otherBatch.resume(saved)).rejects.toThrow(/batch size/);
    [t, other, otherBatch].forEach((x) => x.dispose());
  });

  it('stops early when validation AUC stops improving and restores the best weights', async () => {
    // Labels independent of the features: validation AUC only wanders.
    const rng = createRng(5);
    const noise: CtrDataset = {
      ...data,
      valid: { ...data.valid, labels: Float32Array.from({ length: data.valid.rows }, () => (rng.next() < 0.5 ? 1 : 0)) },
    };
    const t = createTrainer(noise, small('fm'), trainConfig({ evalEvery: 2, earlyStopPatience: 2, lr: 0.05 }));
    const run = await t.runSteps(10_000);
    expect(t.state.stoppedEarly).toBe(true);
    expect(t.state.done).toBe(true);
    expect(run.validations.length).toBeGreaterThanOrEqual(3);
    expect(run.validations.slice(-2).every((v) => v.auc <= t.state.bestValidAuc)).toBe(true);
    expect(run.steps).toBe(2 * run.validations.length);
    t.restoreBest();
    expect((await t.evaluate('valid')).auc).toBe(t.state.bestValidAuc);
    t.dispose();
  });

  it('spectrumSnapshot equals the float64 JS spectrum of embeddingSnapshot', async () => {
    const t = createTrainer(data, small('dnn', 2), trainConfig({}));
    await t.runSteps(20);
    const [snaps, spectra] = [await t.embeddingSnapshot(), await t.spectrumSnapshot()];
    expect(spectra).toHaveLength(2);
    snaps.forEach((snap, set) => {
      let offset = 0;
      snap.fieldDims.forEach((rows, field) => {
        const acc = new GramAccumulator(snap.dim, 'recscope');
        acc.add(snap.table.subarray(offset * snap.dim, (offset + rows) * snap.dim), rows);
        offset += rows;
        const expected = fieldResult(TINY_FIELDS[field].name, acc);
        const got = spectra[set][field];
        expect(got.name).toBe(expected.name);
        expect(got.rows).toBe(rows);
        expect(got.information_abundance).toBeCloseTo(expected.information_abundance, 4);
        got.normalized_spectrum.forEach((v, i) => expect(v).toBeCloseTo(expected.normalized_spectrum[i], 4));
      });
    });
    t.dispose();
  });

  it('interactionCollapse: F x F IA of E_i W0[j-block, i-block]^T, each within [1, K]', async () => {
    const t = createTrainer(data, small('dcnv2', 2), trainConfig({}));
    await t.runSteps(10);
    const result = await t.interactionCollapse(1);
    const f = TINY_FIELDS.length;
    const k = 4;
    expect(result.fields).toEqual(TINY_FIELDS.map((x) => x.name));
    expect(result.ia).toHaveLength(f);
    for (const row of result.ia) {
      expect(row).toHaveLength(f);
      for (const v of row) {
        expect(v).toBeGreaterThanOrEqual(1 - 1e-9);
        expect(v).toBeLessThanOrEqual(k + 1e-9);
      }
    }
    // Float64 reference for one pair, straight from the formula.
    const table = (await t.embeddingSnapshot())[1].table;
    const w = t.model.crossWeights!(1).dataSync();
    const [i, j] = [2, 0];
    const offset = TINY_FIELDS[0].cardinality + TINY_FIELDS[1].cardinality;
    const rows = TINY_FIELDS[i].cardinality;
    const projected = new Float64Array(rows * k);
    for (let n = 0; n < rows; n++) {
      for (let a = 0; a < k; a++) {
        let sum = 0;
        for (let b = 0; b < k; b++) sum += table[(offset + n) * k + b] * w[(j * k + a) * f * k + i * k + b];
        projected[n * k + a] = sum;
      }
    }
    const acc = new GramAccumulator(k, 'recscope');
    acc.add(projected, rows);
    expect(result.ia[i][j]).toBeCloseTo(informationAbundance(singularValuesFromGram(acc.gram(), k, rows)), 4);
    const dnn = createTrainer(data, small('dnn'), trainConfig({}));
    await expect(dnn.interactionCollapse()).rejects.toThrow(/DCNv2/);
    dnn.dispose();
    t.dispose();
  });

  it('rejects bad training configurations', () => {
    expect(() => createTrainer(data, small('dnn'), trainConfig({ batchSize: 0 }))).toThrow(/batchSize/);
    expect(() => createTrainer(data, small('dnn'), trainConfig({ lr: 0 }))).toThrow(/lr/);
    expect(() => createTrainer(data, small('dnn'), trainConfig({ evalEvery: -1 }))).toThrow(/evalEvery/);
  });

  it('evaluates the first task of multi-task labels', async () => {
    const rng = createRng(9);
    const rows = 50;
    const split = {
      rows,
      indices: randomIndices(TINY_FIELDS, rows, rng),
      labels: Float32Array.from({ length: 2 * rows }, (_, i) => (i % 2 === 0 ? (i % 4 === 0 ? 1 : 0) : 1)),
    };
    const twoTasks: CtrDataset = { ...data, tasks: ['click', 'buy'], train: split, valid: split, test: split };
    const t = createTrainer(twoTasks, small('lr'), trainConfig({}));
    const e = await t.evaluate('test');
    expect(Number.isNaN(e.auc)).toBe(false); // task 1 is all ones: its AUC would be NaN
    expect(e.gauc).toBeUndefined();
    t.dispose();
  });
});
