import { describe, expect, it } from 'vitest';
import { splitCounts, splitRowIds, splitRows, type CtrRows } from './split.ts';

describe('splitCounts', () => {
  it('rounds the shares and gives test the remainder', () => {
    expect(splitCounts(1000)).toEqual([800, 100, 100]);
    expect(splitCounts(7, [0.5, 0.25, 0.25])).toEqual([4, 2, 1]);
    expect(() => splitCounts(10, [0.8, 0.3, 0.1])).toThrow(RangeError);
  });
});

describe('splitRowIds', () => {
  it('partitions the rows, repeatably for a seed, in file order within a split', () => {
    const a = splitRowIds(1000, { seed: 5 });
    const all = [...a.train, ...a.valid, ...a.test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([a.train.length, a.valid.length, a.test.length]).toEqual([800, 100, 100]);
    expect([...a.test]).toEqual([...a.test].sort((x, y) => x - y));
    expect(splitRowIds(1000, { seed: 5 })).toEqual(a);
    expect(splitRowIds(1000, { seed: 6 }).test).not.toEqual(a.test);
  });

  it('splits by time: train is earliest, test latest', () => {
    const times = [50, 10, 40, 30, 20, 90, 60, 80, 70, 0];
    const ids = splitRowIds(10, { by: 'time', fractions: [0.6, 0.2, 0.2] }, times);
    expect([...ids.train]).toEqual([9, 1, 4, 3, 2, 0]);
    expect([...ids.valid]).toEqual([6, 8]);
    expect([...ids.test]).toEqual([7, 5]);
    expect(() => splitRowIds(10, { by: 'time' })).toThrow(RangeError);
  });
});

describe('splitRows', () => {
  it('carries every array of the chosen rows', () => {
    const data: CtrRows = {
      rows: 4,
      fieldCount: 2,
      taskCount: 1,
      indices: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      labels: Float32Array.from([0, 1, 0, 1]),
      trueProbabilities: Float32Array.from([0.1, 0.2, 0.3, 0.4]),
      groups: Int32Array.from([9, 8, 7, 6]),
    };
    const s = splitRows(data, { by: 'time', fractions: [0.5, 0.25, 0.25] }, [3, 2, 1, 0]);
    expect(s.train).toEqual({
      rows: 2,
      indices: Int32Array.from([7, 8, 5, 6]),
      labels: Float32Array.from([1, 0]),
      trueProbabilities: Float32Array.from([0.4, 0.3]),
      groups: Int32Array.from([6, 7]),
    });
    expect(s.test.indices).toEqual(Int32Array.from([1, 2]));
  });
});
