import { describe, expect, it } from 'vitest';
import { auc } from '../ctr/auc.ts';
import { generateSequenceDataset } from './generateSequenceDataset.ts';
import { generateSyntheticSequences, SHIPPED_SEQUENCE_CONFIG } from './syntheticSequences.ts';

const config = { ...SHIPPED_SEQUENCE_CONFIG, users: 300 };

describe('a built-in sequence dataset generated in slices', () => {
  it("is the generator's samples, bit for bit, with the Bayes AUC of its true probabilities", async () => {
    const progress: number[] = [];
    const d = await generateSequenceDataset(config, { name: 'built-in', keepHistory: 80, onProgress: (done, users) => progress.push(done / users) });
    const g = generateSyntheticSequences(config, { keepHistory: 80 });
    expect(d).toEqual({ ...g.dataset, source: 'built-in', bayesTestAuc: auc(g.trueProbabilities.test, g.dataset.test.labels) });
    expect(progress[0]).toBe(0);
    expect(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]))).toBe(true);
  });

  it('gives the event loop turns while it runs, and an abort stops it there', async () => {
    const abort = new AbortController();
    let turns = 0;
    const tick = setInterval(() => {
      if (++turns === 2) abort.abort();
    }, 0);
    try {
      await expect(generateSequenceDataset({ ...config, users: 50_000 }, { name: 'x', keepHistory: 10, signal: abort.signal })).rejects.toThrow(/Cancelled/);
    } finally {
      clearInterval(tick);
    }
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
