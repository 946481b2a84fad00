import { describe, expect, it } from 'vitest';
import { tinySequenceDataset } from '../../../test/support/tinySequences.ts';
import { gatherBatch } from './sequenceBatch.ts';

const DATA = tinySequenceDataset({ seed: 21, train: 60, test: 10, minHistory: 0, maxHistory: 12 });

describe('gatherBatch', () => {
  it('a reused batch is refilled to the fresh batch, padding zeros included; another shape gets new arrays', () => {
    const L = 8;
    const order = Int32Array.from({ length: DATA.train.count }, (_, i) => DATA.train.count - 1 - i);
    let reused = gatherBatch(DATA.train, L, order, 0, 16);
    const arrays = [reused.histItems, reused.histCategories, reused.labels];
    for (let start = 16; start + 16 <= DATA.train.count; start += 16) {
      const fresh = gatherBatch(DATA.train, L, order, start, 16);
      reused = gatherBatch(DATA.train, L, order, start, 16, reused);
      expect(reused).toEqual(fresh);
      expect([reused.histItems, reused.histCategories, reused.labels]).toEqual(arrays);
      expect(reused.histItems).toBe(arrays[0]);
    }
    // Rows with short histories after long ones: the left padding must be zero again.
    expect(Array.from(reused.histItems).filter((x) => x === 0).length).toBeGreaterThan(0);
    const other = gatherBatch(DATA.train, L, order, 0, 8, reused);
    expect(other).not.toBe(reused);
    expect(other).toEqual(gatherBatch(DATA.train, L, order, 0, 8));
  });
});
