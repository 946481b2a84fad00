import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SequenceSamples } from '../contracts/sequence.ts';
import { importSequenceText } from '../data/sequence/importSequenceFile.ts';
import { CorrelationCounts, groundTruthCorrelation, mutualInformationBits } from './groundTruthCorrelation.ts';

const dir = new URL('../../test/sequence-data/', import.meta.url);

interface Expected {
  source: string;
  categories: string[];
  positions: number[];
  targets: { category: string; positives: number; negatives: number; mutual_information: number[][] }[];
}
const reference = JSON.parse(readFileSync(new URL('mi_reference.json', dir), 'utf8')) as {
  cases: { file: string; top: number; positions: number; expected: Expected }[];
};

/** A file's samples in file order (no test share: the split keeps the order). */
async function fileSamples(file: string) {
  const ds = await importSequenceText(readFileSync(new URL(file, dir), 'utf8'), { fileName: file, testPercent: 0 });
  return { ds, samples: [ds.train, ds.test] as SequenceSamples[] };
}

describe('ground-truth correlation (SCIENCE.md section 4)', () => {
  it.each(reference.cases.map((c) => [`${c.file} N=${c.top} P=${c.positions}`, c] as const))(
    'equals the numpy float64 reference to 1e-9 relative: %s',
    async (_, c) => {
      const { ds, samples } = await fileSamples(c.file);
      const got = groundTruthCorrelation(samples, ds.categoryVocabulary, { top: c.top, positions: c.positions });
      expect(got.categories.map((id) => ds.categoryNames[id])).toEqual(c.expected.categories);
      expect(got.positions).toEqual(c.expected.positions);
      let cells = 0;
      for (const [t, want] of c.expected.targets.entries()) {
        const have = got.targets[t];
        expect(ds.categoryNames[have.category]).toBe(want.category);
        expect([have.positives, have.negatives]).toEqual([want.positives, want.negatives]);
        for (const [i, row] of want.mutual_information.entries())
          for (const [p, bits] of row.entries()) {
            const v = have.mutualInformation[i][p];
            expect(Math.abs(v - bits), `${want.category} row ${i} p ${p + 1}: ${v} vs ${bits}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(bits), 1e-300));
            cells++;
          }
      }
      expect(cells).toBe(c.expected.categories.length ** 2 * c.positions);
      expect(cells).toBeGreaterThan(0);
    },
  );

  it('gives the label entropy for a behaviour that splits the labels exactly, 0 for one that does not, and 0 without a class', () => {
    // 2 positives that all have it, 2 negatives that never do: MI = H(1/2) = 1 bit, up to the 1e-5 stand-in.
    expect(mutualInformationBits(2, 0, 2, 2)).toBeCloseTo(1, 4);
    // Present in half of each class: independent of the label.
    expect(mutualInformationBits(1, 2, 2, 4)).toBeCloseTo(0, 12);
    expect(mutualInformationBits(3, 0, 3, 0)).toBe(0);
    expect(mutualInformationBits(0, 2, 0, 5)).toBe(0);
  });

  it('ranks top categories by target count, ties by first seen, and looks up any triple', async () => {
    const { ds, samples } = await fileSamples('edge_cases.csv');
    const counts = new CorrelationCounts(ds.categoryVocabulary, 5);
    for (const s of samples) counts.add(s);
    const id = (name: string) => ds.categoryNames.indexOf(name);
    // A, B and C have 3 targets each (A first seen), D one.
    expect(counts.topTargetCategories(4).map((c) => ds.categoryNames[c])).toEqual(['A', 'B', 'C', 'D']);
    expect(counts.cellCounts(id('A'), id('A'), 1)).toEqual([2, 0]);
    expect(counts.mutualInformation(id('A'), id('A'), 1)).toBeCloseTo(mutualInformationBits(2, 0, 2, 1), 15);
    expect(counts.mutualInformation(id('A'), id('A'), 6)).toBe(0); // beyond the counted positions
  });

  it('counts the same cells densely (few categories) and sparsely (many)', async () => {
    const { ds, samples } = await fileSamples(reference.cases[0].file);
    const P = 8;
    const dense = new CorrelationCounts(ds.categoryVocabulary, P);
    // Unused ids above the vocabulary make the cells too many to hold densely: the Map path.
    const sparse = new CorrelationCounts(ds.categoryVocabulary + 1000, P);
    for (const s of samples) [dense, sparse].forEach((c) => c.add(s));
    let nonzero = 0;
    for (let ct = 0; ct < ds.categoryVocabulary; ct++)
      for (let ci = 0; ci < ds.categoryVocabulary; ci++)
        for (let p = 1; p <= P; p++) {
          const cell = dense.cellCounts(ct, ci, p);
          expect(sparse.cellCounts(ct, ci, p)).toEqual(cell);
          if (cell[0] + cell[1] > 0) nonzero++;
        }
    expect(nonzero).toBeGreaterThan(10);
    expect(sparse.topTargetCategories(5)).toEqual(dense.topTargetCategories(5));
  });
});
