import { gzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc } from '../ctr/auc.ts';
import { parseDatasetIndex } from '../ctr/datasetIndex.ts';
import { importSequenceText } from './importSequenceFile.ts';
import { syntheticSequenceCsv } from './syntheticSequenceCsv.ts';
import { generateSyntheticSequences, plantedCorrelation, plantedEffect, retrievalPlant, SHIPPED_SEQUENCE_CONFIG } from './syntheticSequences.ts';

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

  it('ship as public/datasets/synthetic-sequences.csv.gz, byte for byte what the script writes', () => {
    const index = parseDatasetIndex(JSON.parse(readFileSync(new URL('../../../public/datasets/index.json', import.meta.url), 'utf8')));
    const entry = index.datasets.find((d) => d.id === 'synthetic-sequences')!;
    expect(entry).toMatchObject({ family: 'sequence', format: 'sequence-csv', tasks: ['click'], file: 'synthetic-sequences.csv.gz' });
    const shipped = readFileSync(new URL(`../../../public/datasets/${entry.file}`, import.meta.url));
    expect(shipped.length).toBe(entry.bytes);
    const g = generateSyntheticSequences(SHIPPED_SEQUENCE_CONFIG);
    const bytes = gzipSync(new TextEncoder().encode(syntheticSequenceCsv(g)), { level: 9, mtime: 0 });
    expect(Buffer.from(bytes).equals(shipped)).toBe(true);
    expect(g.dataset.train.count + g.dataset.test.count).toBe(entry.rows);
    expect(auc(g.trueProbabilities.test, g.dataset.test.labels)).toBeCloseTo(entry.bayesTestAuc!, 4);
  }, 300_000); // gzip level 9 of 67 MB: ~20 s alone, near 2 min on a loaded 2-core machine
});
