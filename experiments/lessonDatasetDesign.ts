/**
 * How synthetic-ctr-lesson was redesigned (issue 12: lesson datasets within 0.02 of their Bayes
 * AUC in <= 30 s): candidate generator configs around the old one (60k rows, 8 fields of 3..200
 * values), each trained with the lesson set's defaults (index.json trainDefaults: lr 5e-3, batch
 * 1024, <= 20 epochs, patience 2, MLP 64-32, dim 10) as DNN and DCNv2, per seed: test AUC against
 * the candidate's own Bayes test AUC. Every candidate keeps the lessons' layout: field f1 with 3
 * values crossing the three largest fields, f2 x f5 and f3 x f4, rank-4 interactions, seed 11.
 *
 *   npx tsx experiments/lessonDatasetDesign.ts [--only base,r120c100] [--seeds 1,2,3]
 */
import { auc } from '../src/data/ctr/auc.ts';
import { generateSyntheticCtr, type SyntheticCtrConfig } from '../src/data/ctr/syntheticCtr.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { trainCtrRun } from './ctrTrainRun.ts';

const OLD: SyntheticCtrConfig = {
  seed: 11,
  rows: 60_000,
  cardinalities: [3, 5, 10, 20, 40, 80, 120, 200],
  zipfExponent: 0.8,
  interactionPairs: [
    [0, 5],
    [0, 6],
    [0, 7],
    [1, 4],
    [2, 3],
  ],
};
const UP_TO_100 = [3, 5, 10, 20, 30, 50, 70, 100];

/** Changes against the old config; `r120c100` is the one shipped. */
export const CANDIDATES: Record<string, Partial<SyntheticCtrConfig>> = {
  base: {},
  rows120: { rows: 120_000 },
  r150: { rows: 150_000 },
  cards100: { cardinalities: UP_TO_100 },
  zipf05: { zipfExponent: 0.5 },
  rank2: { latentRank: 2 },
  cards100rank2: { cardinalities: UP_TO_100, latentRank: 2 },
  cards60z05: { cardinalities: [3, 5, 8, 12, 20, 30, 45, 60], zipfExponent: 0.5 },
  r100c100: { rows: 100_000, cardinalities: UP_TO_100 },
  r120c100: { rows: 120_000, cardinalities: UP_TO_100 },
};

const DEFAULTS = { lr: 5e-3, batchSize: 1024, epochs: 20, evalEvery: 0, patience: 2, weightDecay: 1e-6, dropout: 0, mlp: [64, 32], dim: 10 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await selectBackend('wasm');
  const only = arg('only')?.split(',');
  const seeds = (arg('seeds') ?? '1,2').split(',').map(Number);
  for (const [name, change] of Object.entries(CANDIDATES)) {
    if (only && !only.includes(name)) continue;
    const data = generateSyntheticCtr({ ...OLD, ...change });
    const bayes = auc(data.test.trueProbabilities!, data.test.labels);
    for (const kind of ['dnn', 'dcnv2'] as const) {
      for (const seed of seeds) {
        const r = await trainCtrRun(data, kind, DEFAULTS, seed);
        console.log(
          `${name} · ${kind} · seed ${seed}: Bayes ${bayes.toFixed(4)}, test AUC ${r.testAuc.toFixed(4)}, gap ${(bayes - r.testAuc).toFixed(4)}, ${r.epochs} epochs, ${r.seconds.toFixed(1)} s`,
        );
      }
    }
  }
}
