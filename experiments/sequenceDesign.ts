/**
 * Does the search matter on a synthetic sequence design? From the generator's own logits (no
 * training, seconds): the Bayes test AUC, the history part cut to the most recent L behaviours, and
 * the history part when only 20 behaviours of the most recent L are kept by
 *   - the true effect (|effect of the behaviour on this target|, the best a search can do),
 *   - same category first, then recency (what any embedding finds for free: a category is most
 *     similar to itself, and a position table learns recency),
 *   - recency alone (the 20 most recent).
 * When the free search is as good as the true one, a model whose attention learned nothing about
 * cross-category relations searches as well as one that did, and decoupling cannot show.
 *
 *   npx tsx experiments/sequenceDesign.ts [--design shipped|recency] [--history 100] [--topk 20]
 */
import { parseArgs } from 'node:util';
import { auc } from '../src/data/ctr/auc.ts';
import { isTestUser } from '../src/data/sequence/sequenceSplit.ts';
import { generateSyntheticSequences, plantedEffect, SHIPPED_SEQUENCE_CONFIG, type SyntheticSequenceConfig } from '../src/data/sequence/syntheticSequences.ts';

const { values } = parseArgs({
  options: {
    design: { type: 'string', default: 'shipped' },
    history: { type: 'string', default: '50,100' },
    topk: { type: 'string', default: '20' },
  },
});

const DESIGNS: Record<string, SyntheticSequenceConfig> = {
  shipped: SHIPPED_SEQUENCE_CONFIG,
  /** The dataset shipped before (same-category recency plant, 40 categories of 100 items). */
  recency: { seed: 15 },
};

const config = DESIGNS[values.design];
if (!config) throw new Error(`--design: one of ${Object.keys(DESIGNS).join(', ')}`);
const t0 = performance.now();
const g = generateSyntheticSequences(config);
const { planted: plant, sequences, itemCategory } = g;
const cfg = g.config;
const test = g.rows.filter((r) => isTestUser(`u${r.user}`, cfg.testPercent));
const labels = Uint8Array.from(test, (r) => r.label);
const clamp = (sum: number) => plant.clamp * Math.tanh(sum / plant.clamp);
const k = Number(values.topk);

type Pick = (effects: number[], categories: number[], target: number) => number[];
const byTrueEffect: Pick = (effects) =>
  effects
    .map((e, i) => [Math.abs(e), i] as const)
    .sort((a, b) => b[0] - a[0] || b[1] - a[1])
    .slice(0, k)
    .map(([, i]) => i);
const sameCategoryThenRecent: Pick = (_, categories, target) =>
  categories
    .map((c, i) => [c === target ? 1 : 0, i] as const)
    .sort((a, b) => b[0] - a[0] || b[1] - a[1])
    .slice(0, k)
    .map(([, i]) => i);
const recent: Pick = (effects) => effects.map((_, i) => i).slice(-k);

console.log(
  `design ${values.design} ${JSON.stringify(config)}: ${g.rows.length} samples, ${test.length} test, click rate ${(g.rows.reduce((a, r) => a + r.label, 0) / g.rows.length).toFixed(3)}, ${plant.cross.length} cross effects`,
);
console.log(
  `Bayes test AUC ${auc(
    Float64Array.from(test, (r) => r.probability),
    labels,
  ).toFixed(4)}`,
);
for (const L of values.history.split(',').map(Number)) {
  const parts = { all: [] as number[], trueEffect: [] as number[], sameCategory: [] as number[], recent: [] as number[] };
  let partnerShare = 0;
  for (const r of test) {
    const seq = sequences[r.user - 1];
    const effects: number[] = [];
    const categories: number[] = [];
    for (let j = Math.max(0, r.cut - L); j < r.cut; j++) {
      const c = itemCategory[seq[j]];
      categories.push(c);
      effects.push(plantedEffect(plant, r.category, c, r.cut - j));
    }
    partnerShare += effects.filter((e) => e !== 0).length / effects.length / test.length;
    const sum = (idx: number[]) => clamp(idx.reduce((a, i) => a + effects[i], 0));
    parts.all.push(clamp(effects.reduce((a, b) => a + b, 0)));
    parts.trueEffect.push(sum(byTrueEffect(effects, categories, r.category)));
    parts.sameCategory.push(sum(sameCategoryThenRecent(effects, categories, r.category)));
    parts.recent.push(sum(recent(effects, categories, r.category)));
  }
  const a = (xs: number[]) => auc(Float64Array.from(xs), labels).toFixed(4);
  console.log(
    `history ${L}: history part, every behaviour ${a(parts.all)}; top ${k} by the true effect ${a(parts.trueEffect)}; same category, then recency ${a(parts.sameCategory)}; the ${k} most recent ${a(parts.recent)}; share of behaviours with an effect on the target ${partnerShare.toFixed(3)}`,
  );
}
console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
