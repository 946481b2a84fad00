/**
 * Issue 15's claims on the synthetic behaviour sequences (SCIENCE.md section 4; DARE, ICLR 2025),
 * per seed, with the studio's own sequence engine (the calls the Sequences worker makes):
 *   1. learned correlation: mean Spearman (over the top-10 target categories) of the attention
 *      tables' learned correlation with the ground-truth MI, DARE minus TWIN (paper: positive);
 *   2. search quality on test samples (k = 20): overlap with the ground-truth top-k and share of
 *      the best MI captured, DARE minus TWIN (paper: positive);
 *   3. TWIN's coupled category table: share of (step, row) attention/representation gradient
 *      pairs with cosine below 0 (paper: a substantial share conflicts) and the domination ratio
 *      mean ||g_repr|| / mean ||g_attn|| (paper: > 1, representation dominates);
 *   4. test AUC, DARE minus TWIN (paper: DARE at least TWIN);
 *   5. the attention-dim sweep: DARE at attention dim d, d/2, d/4: test AUC and the measured
 *      search-stage time per batch (a speed measured on a loaded machine is not a benchmark).
 *
 *   npm run experiment:sequence -- [--seeds 1,2,3] [--epochs 1] [--history 100] [--dim 16] [--batch 128]
 *     [--lr-category 10] [--lr-position 10] [--lr-attention 10] (per-table lr, multiples of --lr) [--divisors 1] (DARE at attn dim d only)
 *     [--users 3000] (the built-in generator with this many users; default the studio's, 12,000; 3,000 is the fixture file's set)
 */
import { pathToFileURL } from 'node:url';
import type { SequenceDataset, SequenceTrainSettings } from '../src/contracts/sequence.ts';
import { auc } from '../src/data/ctr/auc.ts';
import { DEFAULT_SEQUENCE_USERS, generateSyntheticSequences } from '../src/data/sequence/syntheticSequences.ts';
import { spearman } from '../src/analysis/learnedCorrelation.ts';
import { sequenceTruth } from '../src/workers/sequenceData.ts';
import { createSeqTrainer } from '../src/workers/sequenceEngine.ts';
import type { SeqTruth } from '../src/workers/sequenceService.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { datasetEntry } from './builtinDataset.ts';
import { summarizeEffect, formatEffect } from './effectStats.ts';

/** What one seed trains: the TWIN/DARE settings less model, attention dim and seed. */
export type SequenceSetup = Omit<SequenceTrainSettings, 'model' | 'attentionDim' | 'seed'>;

export const SEQUENCE_DATASET = 'synthetic-sequences';

/**
 * The built-in dataset as the studio's sequence worker generates it: the index entry's generator
 * (public/datasets/index.json) at `users` (default: the studio's default), named as the runs record it.
 */
export function loadSequenceDataset(id = SEQUENCE_DATASET, users = DEFAULT_SEQUENCE_USERS): SequenceDataset {
  const entry = datasetEntry(id);
  if (!entry.sequenceGenerator) throw new RangeError(`${id} is not a generated sequence dataset`);
  const g = generateSyntheticSequences({ ...entry.sequenceGenerator, users });
  return { ...g.dataset, source: sequenceDatasetLabel(id, users), bayesTestAuc: auc(g.trueProbabilities.test, g.dataset.test.labels) };
}

/** "synthetic-sequences, 12,000 users": the dataset a recorded effect names. */
export const sequenceDatasetLabel = (id: string, users: number) => `${id}, ${users.toLocaleString('en')} users`;

/** The ground truth of the training split, as the Sequences worker computes it (top 10 categories, positions 1..10). */
export function truthOf(d: SequenceDataset, top = 10, positions = 10): Promise<SeqTruth> {
  return sequenceTruth(d, { top, positions });
}

export interface ModelReading {
  model: string;
  attentionDim: number;
  auc: number;
  logloss: number;
  /** Mean Spearman over the top target categories. */
  spearman: number;
  /**
   * A diagnostic beside it: mean Spearman of the row sums (each behaviour category's cells summed
   * over the positions) with the ground truth's, over the target categories: which categories, not where.
   */
  rowSpearman: number;
  overlap: number;
  captured: number;
  /** Measured search-stage time per training batch (ms). */
  searchMs: number;
  /** Coupled models: share of gradient pairs with cosine < 0, and the domination ratio. */
  conflictingShare: number;
  normRatio: number;
  seconds: number;
}

export interface SequenceSeed {
  seed: number;
  twin: ModelReading;
  /** DARE at attention dim = dim, dim/2, dim/4 (the first is "DARE"). */
  sweep: ModelReading[];
  seconds: number;
}

const finiteMean = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

const rowSums = (m: ArrayLike<number>, positions: number): number[] =>
  Array.from({ length: m.length / positions }, (_, r) =>
    Array.prototype.slice.call(m, r * positions, (r + 1) * positions).reduce((a: number, b: number) => a + b, 0),
  );

function rowSpearmanOf(truth: SeqTruth, learned: readonly number[][]): number {
  const P = truth.summary.positions;
  return finiteMean(learned.map((m, t) => spearman(rowSums(truth.summary.targets[t].mi, P), rowSums(m, P))));
}

function trainOne(data: SequenceDataset, truth: SeqTruth, settings: SequenceTrainSettings): ModelReading {
  const t0 = performance.now();
  const t = createSeqTrainer(data, settings, truth);
  try {
    while (t.steps < t.totalSteps) t.trainStep();
    const m = t.evaluate();
    const r = t.readOut();
    return {
      model: settings.model,
      attentionDim: settings.attentionDim,
      auc: m.auc,
      logloss: m.logloss,
      spearman: finiteMean(r.correlation?.spearman ?? []),
      rowSpearman: rowSpearmanOf(truth, r.correlation?.learned ?? []),
      overlap: r.search?.overlap ?? NaN,
      captured: r.search?.miCaptured ?? NaN,
      searchMs: m.searchMs,
      conflictingShare: r.gradient?.conflictingShare ?? NaN,
      normRatio: r.gradient?.normRatio ?? NaN,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    t.dispose();
  }
}

/** One seed: TWIN (observing its coupled gradients), then DARE at attention dim d, d/2, d/4. */
export function measureSequenceSeed(
  data: SequenceDataset,
  truth: SeqTruth,
  setup: SequenceSetup,
  seed: number,
  divisors: readonly number[] = [1, 2, 4],
): SequenceSeed {
  const t0 = performance.now();
  const twin = trainOne(data, truth, { ...setup, model: 'twin', attentionDim: setup.dim, seed });
  const sweep = divisors.map((div) => trainOne(data, truth, { ...setup, model: 'dare', attentionDim: Math.max(1, Math.round(setup.dim / div)), seed }));
  return { seed, twin, sweep, seconds: (performance.now() - t0) / 1000 };
}

export function describeReading(r: ModelReading): string {
  const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const coupled = Number.isFinite(r.conflictingShare) ? `, conflicting ${f(r.conflictingShare)}, ||g_repr||/||g_attn|| ${f(r.normRatio, 2)}` : '';
  return `${r.model}${r.model === 'dare' ? ` (attn dim ${r.attentionDim})` : ''}: AUC ${f(r.auc, 4)}, ρ ${f(r.spearman)} (rows ${f(r.rowSpearman)}), overlap ${f(r.overlap)}, MI captured ${f(r.captured)}, search ${f(r.searchMs, 1)} ms/batch${coupled} (${r.seconds.toFixed(0)} s)`;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const setup: SequenceSetup = {
    dim: Number(arg('dim', '16')),
    topK: Number(arg('topk', '20')),
    historyLength: Number(arg('history', '100')),
    lr: Number(arg('lr', '0.003')),
    batchSize: Number(arg('batch', '128')),
    epochs: Number(arg('epochs', '1')),
  };
  // Per-table lr (multiples of --lr; absent: one lr): a lever for attention's slow learning.
  const [lrCategory, lrPosition, lrAttention] = [Number(arg('lr-category', '1')), Number(arg('lr-position', '1')), Number(arg('lr-attention', '1'))];
  if (lrCategory !== 1 || lrPosition !== 1 || lrAttention !== 1) setup.tableLrScale = { category: lrCategory, position: lrPosition, attention: lrAttention };
  // --divisors 1: DARE at attention dim = dim only (skips the attention-dim sweep's runs).
  const divisors = arg('divisors', '1,2,4').split(',').map(Number);
  const data = loadSequenceDataset(SEQUENCE_DATASET, Number(arg('users', String(DEFAULT_SEQUENCE_USERS))));
  const truth = await truthOf(data);
  console.log(
    `${data.source}: ${data.train.count} train / ${data.test.count} test samples, Bayes test AUC ${data.bayesTestAuc?.toFixed(4)}; settings ${JSON.stringify(setup)}; tfjs wasm, one thread`,
  );
  const runs: SequenceSeed[] = [];
  for (const seed of seeds) {
    const r = measureSequenceSeed(data, truth, setup, seed, divisors);
    runs.push(r);
    console.log(`seed ${seed} (${r.seconds.toFixed(0)} s)`);
    for (const m of [r.twin, ...r.sweep]) console.log(`  ${describeReading(m)}`);
  }
  const line = (name: string, values: number[], direction: 1 | -1, threshold = 0) =>
    console.log(
      `${name}: ${formatEffect(summarizeEffect(values, direction, threshold), 3, threshold)} (${summarizeEffect(values, direction, threshold).holds ? 'holds' : 'does not hold'})`,
    );
  console.log(`\nOver seeds ${seeds.join(', ')} (mean ± sd; seeds pointing the paper's way):`);
  line(
    'Spearman with the ground truth, DARE - TWIN',
    runs.map((r) => r.sweep[0].spearman - r.twin.spearman),
    1,
  );
  line(
    'search overlap@20, DARE - TWIN',
    runs.map((r) => r.sweep[0].overlap - r.twin.overlap),
    1,
  );
  line(
    'MI captured@20, DARE - TWIN',
    runs.map((r) => r.sweep[0].captured - r.twin.captured),
    1,
  );
  line(
    "TWIN's conflicting share (cos < 0) vs 0.1",
    runs.map((r) => r.twin.conflictingShare),
    1,
    0.1,
  );
  line(
    "TWIN's ||g_repr|| / ||g_attn|| vs 1",
    runs.map((r) => r.twin.normRatio),
    1,
    1,
  );
  line(
    'test AUC, DARE - TWIN',
    runs.map((r) => r.sweep[0].auc - r.twin.auc),
    1,
  );
  for (let i = 1; i < runs[0].sweep.length; i++) {
    const dim = runs[0].sweep[i].attentionDim;
    line(
      `test AUC, DARE attn dim ${dim} - dim ${setup.dim}`,
      runs.map((r) => r.sweep[i].auc - r.sweep[0].auc),
      1,
    );
    line(
      `search time, DARE dim ${setup.dim} / dim ${dim} (loaded machine, not a benchmark)`,
      runs.map((r) => r.sweep[0].searchMs / r.sweep[i].searchMs),
      1,
      1,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
