import { gunzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc } from '../ctr/auc.ts';
import { parseDatasetIndex } from '../ctr/datasetIndex.ts';
import { bytesByteSource } from '../byteSource.ts';
import { importSequenceFile, importSequenceText } from './importSequenceFile.ts';
import { syntheticSequenceCsv } from './syntheticSequenceCsv.ts';
import {
  DEFAULT_SEQUENCE_USERS,
  generateSyntheticSequences,
  plantedCorrelation,
  plantedEffect,
  retrievalPlant,
  SEQUENCE_USER_CHOICES,
  SHIPPED_SEQUENCE_CONFIG,
  syntheticSequenceSteps,
} from './syntheticSequences.ts';

const small = { seed: 3, users: 120, categories: 12, itemsPerCategory: 10, targetsPerUser: 6, minHistory: 20, maxHistory: 60 };

describe('synthetic behaviour sequences', () => {
  it('are seeded: the same config gives the same samples, another seed others', () => {
    const a = generateSyntheticSequences(small).dataset;
    const b = generateSyntheticSequences(small).dataset;
    const c = generateSyntheticSequences({ ...small, seed: 4 }).dataset;
    expect(b).toEqual(a);
    expect(c.train.histItems).not.toEqual(a.train.histItems);
  });

  it('keep histories between minHistory and maxHistory, one category per item, split by user', () => {
    const g = generateSyntheticSequences(small);
    const { train, test } = g.dataset;
    expect(train.count + test.count).toBe(small.users * small.targetsPerUser);
    for (const s of [train, test]) {
      for (let i = 0; i < s.count; i++) {
        const n = s.histOffsets[i + 1] - s.histOffsets[i];
        expect(n).toBeGreaterThanOrEqual(small.minHistory);
        expect(n).toBeLessThanOrEqual(small.maxHistory);
      }
    }
    const trainUsers = new Set(train.users);
    expect(Array.from(test.users).some((u) => trainUsers.has(u))).toBe(false);
    // An item's category is the same wherever it appears.
    const categoryOf = new Map<number, number>();
    for (const s of [train, test])
      for (let j = 0; j < s.histItems.length; j++) {
        const seen = categoryOf.get(s.histItems[j]);
        if (seen !== undefined) expect(s.histCategories[j]).toBe(seen);
        categoryOf.set(s.histItems[j], s.histCategories[j]);
      }
  });

  it('write a sequence-sample CSV that reads back to the generated dataset, id for id', async () => {
    const g = generateSyntheticSequences(small);
    const back = await importSequenceText(syntheticSequenceCsv(g), { fileName: 'synthetic.csv', maxHistory: small.maxHistory });
    expect(back.train).toEqual(g.dataset.train);
    expect(back.test).toEqual(g.dataset.test);
    expect(back.categoryNames).toEqual(g.dataset.categoryNames);
  });

  it('plant a same-category recency decay, cross effects and noise categories', () => {
    const plant = plantedCorrelation(40);
    expect(plantedEffect(plant, 1, 1, 1)).toBeCloseTo(1.2, 12);
    expect(plantedEffect(plant, 1, 1, 5)).toBeCloseTo(1.2 * Math.exp(-1), 12);
    expect(plantedEffect(plant, 3, 3, 1)).toBe(0); // 3 is noise
    expect(plantedEffect(plant, 1, 2, 6)).toBeCloseTo(1.2, 12); // 2 at p = 6 -> 1
    expect(plantedEffect(plant, 2, 1, 6)).toBe(0); // not the other way round
    expect(plantedEffect(plant, 8, 9, 8)).toBeCloseTo(-1.2, 12);
    expect(plant.cross.length).toBe(6);
    for (let c = 1; c <= 40; c++) for (let t = 1; t <= 40; t++) if (plant.noise[c]) expect(plantedEffect(plant, t, c, 1)).toBe(0);
  });

  it('plant for retrieval: neighbour pairs of signal categories, effects anywhere in the history, alternating signs', () => {
    const plant = retrievalPlant(50);
    expect(plant.cross.length).toBe(18); // 18 signal categories among the first 24, in 9 pairs, both ways
    expect(plantedEffect(plant, 1, 2, 1)).toBeCloseTo(0.8, 12);
    expect(plantedEffect(plant, 2, 1, 81)).toBeCloseTo(0.8 * Math.exp(-1), 12);
    expect(plantedEffect(plant, 4, 5, 1)).toBeCloseTo(-0.8, 12);
    expect(plantedEffect(plant, 1, 1, 1)).toBeCloseTo(0.3, 12);
    expect(plantedEffect(plant, 1, 4, 1)).toBe(0); // not 1's partner
    expect(plantedEffect(plant, 30, 30, 1)).toBeCloseTo(0.3, 12); // beyond the pairs: own-category recency only
    expect(plantedEffect(plant, 3, 3, 1)).toBe(0); // 3 is noise
    const g = generateSyntheticSequences({ ...small, plant: 'retrieval' });
    expect(g.planted.cross.length).toBeGreaterThan(0);
    expect(generateSyntheticSequences({ ...small, plant: 'retrieval' }).dataset).toEqual(g.dataset);
  });

  it('label by the true probabilities: a Bayes test AUC well inside (0.5, 1), a click rate near 1 in 3 (as DARE)', () => {
    const g = generateSyntheticSequences({ ...small, users: 600 });
    const bayes = auc(g.trueProbabilities.test, g.dataset.test.labels);
    expect(bayes).toBeGreaterThan(0.62);
    expect(bayes).toBeLessThan(0.85);
    const rate = g.dataset.train.labels.reduce((a, b) => a + b, 0) / g.dataset.train.count;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.5);
  });

  it('keep the most recent keepHistory behaviours of each history, with the labels and ids of the full generation', () => {
    const full = generateSyntheticSequences(small);
    const kept = generateSyntheticSequences(small, { keepHistory: 25 });
    expect(kept.trueProbabilities).toEqual(full.trueProbabilities);
    expect(kept.dataset.categoryNames).toEqual(full.dataset.categoryNames);
    expect(kept.dataset.maxHistory).toBe(25);
    for (const split of ['train', 'test'] as const) {
      const f = full.dataset[split];
      const k = kept.dataset[split];
      for (const key of ['labels', 'users', 'targetItems', 'targetCategories'] as const) expect(k[key]).toEqual(f[key]);
      let cut = 0;
      for (let i = 0; i < f.count; i++) {
        const fEnd = f.histOffsets[i + 1];
        const kFrom = k.histOffsets[i];
        const n = k.histOffsets[i + 1] - kFrom;
        expect(n).toBe(Math.min(25, fEnd - f.histOffsets[i]));
        if (n < fEnd - f.histOffsets[i]) cut++;
        expect(k.histItems.subarray(kFrom, kFrom + n)).toEqual(f.histItems.subarray(fEnd - n, fEnd));
        expect(k.histCategories.subarray(kFrom, kFrom + n)).toEqual(f.histCategories.subarray(fEnd - n, fEnd));
      }
      expect(cut).toBeGreaterThan(0);
    }
  });

  it('step user by user to the same samples as in one go', () => {
    const steps = syntheticSequenceSteps(small, { keepHistory: 30 });
    const done: number[] = [];
    let step = steps.next();
    while (!step.done) {
      done.push(step.value);
      step = steps.next();
    }
    expect(done).toEqual(Array.from({ length: small.users }, (_, u) => u + 1));
    expect(step.value.dataset).toEqual(generateSyntheticSequences(small, { keepHistory: 30 }).dataset);
  });

  it('are described by the index entry the studio generates them from, each size with its true rows and Bayes AUC', () => {
    const index = parseDatasetIndex(JSON.parse(readFileSync(new URL('../../../public/datasets/index.json', import.meta.url), 'utf8')));
    const entry = index.datasets.find((d) => d.id === 'synthetic-sequences')!;
    expect(entry).toMatchObject({ family: 'sequence', format: 'generated', tasks: ['click'], file: '' });
    expect(entry.sequenceGenerator).toEqual({ ...SHIPPED_SEQUENCE_CONFIG, users: DEFAULT_SEQUENCE_USERS });
    expect(entry.sizes!.map((z) => z.users)).toEqual([...SEQUENCE_USER_CHOICES]);
    const fixture = entry.sizes!.find((z) => z.users === 3000)!;
    // Histories kept to 1: the labels and probabilities are those of the full generation (test above).
    const g = generateSyntheticSequences({ ...SHIPPED_SEQUENCE_CONFIG, users: 3000 }, { keepHistory: 1 });
    expect(g.dataset.train.count + g.dataset.test.count).toBe(fixture.rows);
    expect(auc(g.trueProbabilities.test, g.dataset.test.labels)).toBeCloseTo(fixture.bayesTestAuc, 4);
  });

  it('at 3,000 users are the fixture public/datasets/synthetic-sequences.csv.gz: the file reads back to the generated samples, and its text is what the script writes', async () => {
    const shipped = readFileSync(new URL('../../../public/datasets/synthetic-sequences.csv.gz', import.meta.url));
    const g = generateSyntheticSequences({ ...SHIPPED_SEQUENCE_CONFIG, users: 3000 });
    const read = await importSequenceFile(bytesByteSource(new Uint8Array(shipped), 'synthetic-sequences.csv.gz'));
    // Column by column as bytes: toEqual walks 7.5M ids one by one (minutes on a loaded machine).
    for (const split of ['train', 'test'] as const) {
      const [a, b] = [read[split], g.dataset[split]];
      expect(a.count).toBe(b.count);
      for (const column of ['labels', 'users', 'targetItems', 'targetCategories', 'histOffsets', 'histItems', 'histCategories'] as const)
        expect(
          Buffer.from(a[column].buffer, a[column].byteOffset, a[column].byteLength).equals(
            Buffer.from(b[column].buffer, b[column].byteOffset, b[column].byteLength),
          ),
          `${split}.${column}`,
        ).toBe(true);
    }
    expect(read.categoryNames).toEqual(g.dataset.categoryNames);
    // The text, not the gzip bytes: compressing 67 MB at level 9 again took up to 7 min on a loaded 2-core machine.
    expect(new TextDecoder().decode(gunzipSync(new Uint8Array(shipped))) === syntheticSequenceCsv(g)).toBe(true);
  }, 120_000);
});
