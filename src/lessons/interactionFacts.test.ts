import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FieldResult } from '../contracts/tables.ts';
import { createStudioStore } from '../state/studioStore.ts';
import { DEFAULT_TRAINING_FORM, type TrainingRun } from '../state/trainingSlice.ts';
import { interactionFacts, interactionRun, LESSON_CROSSES } from './interactionFacts.ts';
import { lesson2 } from './lesson2Interaction.ts';

const field = (name: string, rows: number, ia: number): FieldResult => ({
  name,
  rows,
  dim: 8,
  singular_values: [],
  normalized_spectrum: [],
  information_abundance: ia,
  effective_rank: ia,
  excluded_rows: 0,
});

function run(ia: number[][]): TrainingRun {
  return {
    id: 'r1',
    label: 'x',
    form: { ...DEFAULT_TRAINING_FORM, kind: 'dcnv2', dim: 8 },
    datasetName: 'tiny',
    createdAt: 0,
    status: 'done',
    step: 90,
    epoch: 3,
    stepsPerEpoch: 30,
    parameters: 1,
    backend: 'cpu',
    samplesPerSecond: 1,
    losses: [],
    evals: [],
    interaction: { fields: ['a', 'b', 'c'], ia, rawIa: [2.5, 6, 7] },
    final: null,
    spectra: [
      { step: 5, sets: [[field('a', 3, 2.6), field('b', 100, 7), field('c', 1000, 7.5)]] },
      { step: 90, sets: [[field('a', 3, 2.5), field('b', 100, 6), field('c', 1000, 7)]] },
    ],
  };
}

describe('interaction facts', () => {
  it('finds the smallest field and the columns it drags down', () => {
    const f = interactionFacts(
      run([
        [2.5, 5, 6],
        [2, 6, 6],
        [2.2, 5.5, 7],
      ]),
    )!;
    expect(f.smallest.name).toBe('a');
    expect(f.smallest.seenBy).toBeCloseTo((2 + 2.2) / 2);
    expect(f.othersSeenBy).toBeCloseTo(((5 + 5.5) / 2 + (6 + 6) / 2) / 2);
    expect(f.smallestRank).toBe(1);
    expect(f.drift[0]).toEqual({ name: 'b', rows: 100, first: 7, last: 6 });
  });

  it('says so when the smallest field is not the lowest column', () => {
    const f = interactionFacts(
      run([
        [2.5, 1, 6],
        [4, 6, 6],
        [4, 1.5, 7],
      ]),
    )!;
    expect(f.smallestRank).toBe(2);
    expect(f.lowest.name).toBe('b');
    const store = createStudioStore();
    store.setState({
      trainingRuns: [
        run([
          [2.5, 1, 6],
          [4, 6, 6],
          [4, 1.5, 7],
        ]),
      ],
    });
    const steps = lesson2.steps([], store.getState());
    if (!Array.isArray(steps)) throw new Error('blocked');
    expect(steps[2].text).toContain('a (3 values), has IA 2.50 of 8');
    expect(steps[2].text).toContain('ranks 2 of 3 from the bottom');
    expect(steps[1].text).toContain('b (100 values) lost the most: IA 7.00 at the first snapshot, 6.00 at the last');
    // Low IA is dark in the matrix's colour map; the claim names the rank this run shows.
    expect(steps[2].lookFor).toContain('the b column, the darkest overall');
    expect(steps[3].lookFor).toContain('rank 2 of 3 from the bottom, not the lowest');
    expect(steps[3].lookFor).not.toContain('pale');
    expect(steps[1].lookFor).toContain('3 of 3 fields end below where they started');
  });

  it('only reads finished DCNv2 runs', () => {
    const r = run([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(interactionRun([{ ...r, form: { ...r.form, kind: 'dnn' } }], null)).toBeNull();
    const steps = lesson2.steps([], { ...createStudioStore().getState(), trainingRuns: [{ ...r, status: 'running' }] });
    expect(Array.isArray(steps) && steps[2].text).toContain('Nothing has been trained yet');
    expect(Array.isArray(steps) && steps[0].preset).toMatchObject({ view: 'train', tmodel: 'dcnv2', tds: 'synthetic-ctr-lesson' });
  });

  it("reads the small field's planted partners crossed with it against the other fields", () => {
    const r = run([[1, 1, 1]]);
    const names = ['f1', 'f2', 'f6', 'f7', 'f8'];
    // Rows: field i; columns: crossed with field j. The partners f6..f8 keep 2 crossed with f1, 4 or 6 with the others.
    const ia = names.map((_, i) => names.map((__, j) => (i >= 2 && j === 0 ? 2 : i >= 2 ? 4 + (j % 2) * 2 : 5)));
    const spectra = [{ step: 1, sets: [names.map((n) => field(n, 10, 5))] }];
    const f = interactionFacts({ ...r, interaction: { fields: names, ia, rawIa: names.map(() => 5) }, spectra })!;
    expect(f.partners).toMatchObject({ field: 'f1', partners: ['f6', 'f7', 'f8'], seenByField: 2 });
    // f6 (index 2): others are f2 (j=1, 6) and f7, f8 (j=3, 6; j=4, 4) -> mean over j not 0 and not 2.
    const others = (p: number) => {
      const row = ia[p].filter((_, j) => j !== 0 && j !== p);
      return row.reduce((a, b) => a + b, 0) / row.length;
    };
    expect(f.partners!.seenByOthers).toBeCloseTo((others(2) + others(3) + others(4)) / 3, 12);
    const store = createStudioStore();
    store.setState({ trainingRuns: [{ ...r, interaction: { fields: names, ia, rawIa: names.map(() => 5) }, spectra }] });
    const steps = lesson2.steps([], store.getState());
    if (!Array.isArray(steps)) throw new Error('blocked');
    expect(steps[2].text).toContain('(f6, f7, f8) keep a mean IA of 2.00 when crossed with it');
    expect(interactionFacts(r)!.partners).toBeNull();
  });

  it("names the lesson dataset's planted crosses of f1", () => {
    const index = JSON.parse(readFileSync(new URL('../../public/datasets/index.json', import.meta.url), 'utf8')) as {
      datasets: { id: string; generator?: { interactionPairs: [number, number][] } }[];
    };
    const pairs = index.datasets.find((d) => d.id === 'synthetic-ctr-lesson')!.generator!.interactionPairs;
    const partners = pairs.filter(([i, j]) => i === 0 || j === 0).map(([i, j]) => `f${(i === 0 ? j : i) + 1}`);
    expect(LESSON_CROSSES.field).toBe('f1');
    expect([...LESSON_CROSSES.partners]).toEqual(partners);
  });
});
