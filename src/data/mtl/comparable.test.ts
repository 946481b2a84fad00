import { describe, expect, it } from 'vitest';
import type { CtrSplit } from '../ctr/ctrDataset.ts';
import { comparableMask, selectRows } from './comparable.ts';

const split: CtrSplit = {
  rows: 4,
  indices: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
  labels: Float32Array.from([1, 1, 0, 1, 0, 0, 1, 0]),
  groups: Int32Array.from([10, 11, 12, 13]),
};

describe('comparableMask', () => {
  it('marks rows whose labels agree across tasks', () => {
    expect([...comparableMask(split)]).toEqual([1, 0, 1, 0]);
  });

  it('handles three tasks', () => {
    const three: CtrSplit = { rows: 2, indices: new Int32Array(2), labels: Float32Array.from([1, 1, 0, 0, 0, 0]) };
    expect([...comparableMask(three)]).toEqual([0, 1]);
  });

  it('filters a split with the mask', () => {
    const kept = selectRows(split, comparableMask(split));
    expect(kept.rows).toBe(2);
    expect([...kept.indices]).toEqual([1, 2, 5, 6]);
    expect([...kept.labels]).toEqual([1, 1, 0, 0]);
    expect([...kept.groups!]).toEqual([10, 12]);
    expect(() => selectRows(split, new Uint8Array(3))).toThrow(/3 entries/);
  });
});
