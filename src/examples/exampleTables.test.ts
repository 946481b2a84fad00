import { describe, expect, it } from 'vitest';
import { createRng } from '../data/ctr/prng.ts';
import { EXAMPLE_DIM, EXAMPLE_FIELDS, buildExampleTables, decayingRows } from './exampleTables.ts';

describe('built-in examples', () => {
  it('are deterministic', () => {
    expect(Array.from(decayingRows(3, 4, 1, 7))).toEqual(Array.from(decayingRows(3, 4, 1, 7)));
    const r = createRng(1).next;
    const v = [r(), r(), r()];
    expect(v.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(v).size).toBe(3);
    const [a] = buildExampleTables();
    const [b] = buildExampleTables();
    expect(a.result.fields.map((f) => f.information_abundance)).toEqual(b.result.fields.map((f) => f.information_abundance));
  });

  it('show a healthy and a collapsed table over the same fields', () => {
    const [healthy, collapsed] = buildExampleTables();
    expect(healthy.result.fields.map((f) => f.name)).toEqual(EXAMPLE_FIELDS.map((f) => f.name));
    expect(collapsed.result.fields.map((f) => f.rows)).toEqual(EXAMPLE_FIELDS.map((f) => f.rows));
    for (let i = 0; i < EXAMPLE_FIELDS.length; i++) {
      const h = healthy.result.fields[i];
      const c = collapsed.result.fields[i];
      if (h.rows >= 4 * EXAMPLE_DIM) expect(h.information_abundance / EXAMPLE_DIM).toBeGreaterThan(0.6);
      expect(c.information_abundance).toBeLessThan(h.information_abundance);
    }
    // Larger fields collapse more in the collapsed example.
    const big = collapsed.result.fields.filter((f) => f.rows >= 4 * EXAMPLE_DIM).map((f) => f.information_abundance);
    expect([...big].sort((x, y) => y - x)).toEqual(big);
    expect(big[big.length - 1] / EXAMPLE_DIM).toBeLessThan(0.15);
  });
});
