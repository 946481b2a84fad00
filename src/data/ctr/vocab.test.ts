import { describe, expect, it } from 'vitest';
import { FieldVocab, OOV_INDEX } from './vocab.ts';

describe('FieldVocab', () => {
  it('orders kept tokens by count (ties first-seen) and sends rare ones to OOV', () => {
    const v = new FieldVocab();
    const ids = ['b', 'a', 'c', 'a', 'b', 'd', 'a', 'c'].map((t) => v.add(t));
    expect(ids).toEqual([0, 1, 2, 1, 0, 3, 1, 2]);
    expect(v.count('a')).toBe(3);
    const frozen = v.freeze(2);
    expect(frozen.tokens).toEqual(['a', 'b', 'c']);
    expect(frozen.cardinality).toBe(4);
    expect([...frozen.finalIndex]).toEqual([2, 1, 3, OOV_INDEX]);
    expect(v.freeze(1).cardinality).toBe(5);
    expect(v.freeze(4).cardinality).toBe(1);
  });

  it('grows past its initial capacity', () => {
    const v = new FieldVocab();
    for (let i = 0; i < 1000; i++) v.add(String(i % 300));
    expect(v.freeze(3).cardinality).toBe(301);
    expect(v.freeze(4).cardinality).toBe(101);
  });
});
