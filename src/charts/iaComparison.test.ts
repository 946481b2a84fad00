// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { FieldSpectrum } from '../analysis/collapseVerdict.ts';
import { renderIAComparison, tablesWithBars } from './iaComparison.ts';

const field = (name: string, ia: number): FieldSpectrum => ({
  name,
  rows: 100,
  dim: 8,
  normalized_spectrum: new Array<number>(8).fill(0.5),
  information_abundance: ia,
  effective_rank: ia,
});

describe('IA comparison legend', () => {
  const tables = [
    { label: 'a.npz', fields: [field('user', 3), field('item', 2)] },
    { label: 'other.npy', fields: [field('cities', 4)] },
    { label: 'b.npz', fields: [field('user', 5)] },
  ];

  it('lists only the tables that draw a bar', () => {
    expect(tablesWithBars(tables).map((t) => t.label)).toEqual(['a.npz', 'b.npz']);
    const svg = renderIAComparison(tables, { width: 600 });
    const legend = [...svg.querySelectorAll('text')].map((t) => t.firstChild?.textContent ?? '');
    expect(legend).toContain('a.npz');
    expect(legend).toContain('b.npz');
    expect(svg.textContent).not.toContain('other.npy');
    // One bar per (shared field, table that has it): user in a and b.
    expect(svg.querySelectorAll('rect[height="13"]').length).toBe(2);
  });
});
