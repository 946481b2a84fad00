/**
 * Is the built-in synthetic behaviour-sequence dataset learnable from its rows, and does it reward
 * finding the right behaviours? Three logistic models fitted by plain SGD (no tfjs; seconds), test
 * AUC against the generator's Bayes AUC:
 *   target-only   logit = b + w[target item]
 *   bag           + sum_j v[c_t, c_j] / L            (which categories, not where: mean pooling)
 *   sum           + sum_j v[c_t, c_j]                (the same, counted: sum pooling; SGD step / L)
 *   set           + sum_{c in history} v[c_t, c]     (which categories are present at all, each once)
 *   position      + sum_{j: p_j <= P} W[c_t, c_j, p_j] (category and position: what target
 *                                                     attention with position embeddings can express)
 * Prints one line per model and seed (the SGD order's seed).
 *   npx tsx experiments/sequenceLearnability.ts [--seeds 1,2,3] [--epochs 3] [--positions 30]
 */
import { parseArgs } from 'node:util';
import type { SequenceSamples } from '../src/contracts/sequence.ts';
import { auc } from '../src/data/ctr/auc.ts';
import { createRng, permutation } from '../src/data/ctr/prng.ts';
import { generateSyntheticSequences, SHIPPED_SEQUENCE_CONFIG } from '../src/data/sequence/syntheticSequences.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, epochs: { type: 'string' }, positions: { type: 'string' } } });
const seeds = (values.seeds ?? '1,2,3').split(',').map(Number);
const epochs = Number(values.epochs ?? 3);
const P = Number(values.positions ?? 30);

const g = generateSyntheticSequences(SHIPPED_SEQUENCE_CONFIG); // the shipped dataset (scripts/generateSequenceDatasets.ts)
const ds = g.dataset;
const C = ds.categoryVocabulary;
const bayes = auc(g.trueProbabilities.test, ds.test.labels);
console.log(`synthetic-sequences: ${ds.train.count} train, ${ds.test.count} test, Bayes test AUC ${bayes.toFixed(4)}`);

type Kind = 'target-only' | 'bag' | 'sum' | 'set' | 'position';

function fit(kind: Kind, seed: number): number {
  const item = new Float64Array(ds.itemVocabulary);
  const bag = new Float64Array(C * C);
  const pos = new Float64Array(C * C * (P + 1));
  let bias = 0;
  const logit = (s: SequenceSamples, i: number): number => {
    let z = bias + item[s.targetItems[i]];
    const ct = s.targetCategories[i];
    const a = s.histOffsets[i];
    const e = s.histOffsets[i + 1];
    if (kind === 'bag' && e > a) {
      let sum = 0;
      for (let j = a; j < e; j++) sum += bag[ct * C + s.histCategories[j]];
      z += sum / (e - a);
    }
    if (kind === 'sum') for (let j = a; j < e; j++) z += bag[ct * C + s.histCategories[j]];
    if (kind === 'set') for (const c of new Set(s.histCategories.subarray(a, e))) z += bag[ct * C + c];
    if (kind === 'position') for (let j = Math.max(a, e - P); j < e; j++) z += pos[(ct * C + s.histCategories[j]) * (P + 1) + (e - j)];
    return z;
  };
  const rng = createRng(seed);
  const s = ds.train;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = 0.05 / (1 + epoch);
    for (const i of permutation(s.count, rng)) {
      const grad = 1 / (1 + Math.exp(-logit(s, i))) - s.labels[i];
      const ct = s.targetCategories[i];
      const a = s.histOffsets[i];
      const e = s.histOffsets[i + 1];
      bias -= lr * grad;
      item[s.targetItems[i]] -= lr * (grad + 1e-4 * item[s.targetItems[i]]);
      if (kind === 'bag' && e > a) for (let j = a; j < e; j++) bag[ct * C + s.histCategories[j]] -= (lr * grad) / (e - a);
      if (kind === 'sum') for (let j = a; j < e; j++) bag[ct * C + s.histCategories[j]] -= (lr * grad) / (e - a);
      if (kind === 'set') for (const c of new Set(s.histCategories.subarray(a, e))) bag[ct * C + c] -= lr * grad;
      if (kind === 'position') for (let j = Math.max(a, e - P); j < e; j++) pos[(ct * C + s.histCategories[j]) * (P + 1) + (e - j)] -= lr * grad;
    }
  }
  const t = ds.test;
  return auc(
    Float64Array.from({ length: t.count }, (_, i) => logit(t, i)),
    t.labels,
  );
}

for (const kind of ['target-only', 'bag', 'sum', 'set', 'position'] as const) {
  const aucs = seeds.map((seed) => fit(kind, seed));
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  const sd = Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, aucs.length - 1));
  console.log(
    `${kind.padEnd(12)} test AUC ${aucs.map((a) => a.toFixed(4)).join(', ')} (mean ${mean.toFixed(4)} ± ${sd.toFixed(4)}; Bayes ${bayes.toFixed(4)})`,
  );
}
