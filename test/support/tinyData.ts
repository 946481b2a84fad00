/** Tiny seeded CTR datasets for the model and trainer tests. */
import type { CtrDataset, CtrField, CtrSplit } from '../../src/data/ctr/ctrDataset.ts';
import { createRng, type Rng } from '../../src/data/ctr/prng.ts';

export const TINY_FIELDS: CtrField[] = [
  { name: 'user', cardinality: 5 },
  { name: 'item', cardinality: 4 },
  { name: 'city', cardinality: 6 },
];

/** rows x fields uniform local indices. */
export function randomIndices(fields: CtrField[], rows: number, rng: Rng): Int32Array {
  const out = new Int32Array(rows * fields.length);
  for (let r = 0; r < rows; r++) fields.forEach((f, j) => (out[r * fields.length + j] = rng.int(f.cardinality)));
  return out;
}

/**
 * A planted CTR problem: each (field, value) has a latent weight, and the click probability is
 * sigmoid(bias + sum of weights + an interaction of the first two fields). Labels are drawn
 * from it, so trueProbabilities give the Bayes AUC.
 */
export function plantedDataset(fields: CtrField[], rows: { train: number; valid: number; test: number }, seed: number): CtrDataset {
  const rng = createRng(seed);
  const weights = fields.map((f) => Float64Array.from({ length: f.cardinality }, () => 1.2 * rng.normal()));
  const pair = Float64Array.from({ length: fields[0].cardinality * fields[1].cardinality }, () => 1.2 * rng.normal());
  const split = (n: number): CtrSplit => {
    const indices = randomIndices(fields, n, rng);
    const labels = new Float32Array(n);
    const trueProbabilities = new Float32Array(n);
    const groups = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const row = indices.subarray(r * fields.length, (r + 1) * fields.length);
      let logit = -1;
      fields.forEach((_, j) => (logit += weights[j][row[j]]));
      logit += pair[row[0] * fields[1].cardinality + row[1]];
      const p = 1 / (1 + Math.exp(-logit));
      trueProbabilities[r] = p;
      labels[r] = rng.next() < p ? 1 : 0;
      groups[r] = row[0];
    }
    return { rows: n, indices, labels, trueProbabilities, groups };
  };
  return {
    name: 'planted',
    origin: `synthetic:${seed}`,
    fields,
    tasks: ['click'],
    train: split(rows.train),
    valid: split(rows.valid),
    test: split(rows.test),
  };
}

/** n values uniform in [-0.5, 0.5), the same for a seed on every backend (test inputs). */
export function seededValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() - 0.5);
}
