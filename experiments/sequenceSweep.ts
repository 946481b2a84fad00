/**
 * Training defaults for the built-in behaviour sequences (`synthetic-sequences`, Bayes test AUC
 * 0.731): how close do DIN, TWIN, DARE and TIN get to the Bayes AUC within a browser-sized budget?
 * A grid over learning rate, epochs, batch, embedding dim, history length and top-k, every point
 * trained with the studio's own trainer (src/models/sequence/sequenceTrainer.ts, tfjs wasm, one
 * thread) for each seed; test AUC after every epoch, and over seeds mean ± sd.
 *
 * `--oracle` first prints what the rows allow, from the generator's own logits (SCIENCE.md section
 * 4's plant): the Bayes AUC, the AUC of the history's part alone (a model that knows nothing of
 * the target item), of the item's part alone, and of the history's part when only the most recent
 * L behaviours are seen (the history-length cut).
 *
 *   npm run experiment:sequence-sweep -- [--models twin,dare] [--seeds 1,2] [--lr 0.003,0.01]
 *     [--wd 0,1e-5] [--epochs 2] [--batch 128] [--dim 16] [--attn-div 2] [--history 30,50] [--topk 20]
 *     [--hidden 64,32] [--oracle] [--no-items] [--json out.json]
 *     [--lr-category 10] [--lr-position 10] [--lr-item 1] [--lr-attention 10]   (per-table lr, multiples of --lr; one value each)
 *     [--init-sd 0.01]   (DARE's init: every weight matrix N(0, sd) before the first step)
 * `--no-items` (a diagnostic, not a studio setting): every item id replaced by its category's, so
 * the models cannot tell items apart (and cannot memorise them); the oracle's "history part only"
 * is then the most they can reach.
 *   npm run experiment:sequence-sweep -- --oracle --models none     # the ceilings only (seconds)
 * (every grid option takes a comma-separated list; the time per run is measured on whatever
 * machine runs it: on a loaded one it says nothing about speed).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SequenceDataset, SequenceModelKind, SequenceSamples, SequenceTrainSettings } from '../src/contracts/sequence.ts';
import { auc } from '../src/data/ctr/auc.ts';
import { isTestUser } from '../src/data/sequence/sequenceSplit.ts';
import { generateSyntheticSequences, plantedEffect, SHIPPED_SEQUENCE_CONFIG, SYNTHETIC_SEQUENCE_DEFAULTS } from '../src/data/sequence/syntheticSequences.ts';
import { createSequenceTrainer } from '../src/models/sequence/sequenceTrainer.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { loadSequenceDataset, SEQUENCE_DATASET } from './sequenceEffects.ts';

/** The shipped dataset's generator config (scripts/generateSequenceDatasets.ts). */
const SHIPPED = { ...SYNTHETIC_SEQUENCE_DEFAULTS, ...SHIPPED_SEQUENCE_CONFIG };
/** The generator's item-bias sd. */
const ITEM_BIAS_SD = SHIPPED.itemBiasSd;
const DATASET_SEED = SHIPPED.seed;

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'twin,dare' },
    seeds: { type: 'string', default: '1,2' },
    lr: { type: 'string', default: '0.003' },
    wd: { type: 'string', default: '0' },
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '128' },
    dim: { type: 'string', default: '16' },
    'attn-div': { type: 'string', default: '2' },
    history: { type: 'string', default: '50' },
    topk: { type: 'string', default: '20' },
    hidden: { type: 'string', default: '64,32' },
    oracle: { type: 'boolean', default: false },
    'no-items': { type: 'boolean', default: false },
    json: { type: 'string' },
    'lr-category': { type: 'string', default: '1' },
    'lr-position': { type: 'string', default: '1' },
    'lr-item': { type: 'string', default: '1' },
    'lr-attention': { type: 'string', default: '1' },
    'init-sd': { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map(Number);
/** Per-table lr multiples (absent when all are 1: the trainer's one-lr path, bit for bit). */
const tableLrScale = ((scale: { category: number; position: number; item: number; attention: number }) =>
  Object.values(scale).every((x) => x === 1) ? undefined : scale)({
  category: Number(values['lr-category']),
  position: Number(values['lr-position']),
  item: Number(values['lr-item']),
  attention: Number(values['lr-attention']),
});

export interface SweepRun {
  settings: SequenceTrainSettings;
  /** Test AUC after each epoch (a run of e epochs is this run's first e: nothing depends on the total). */
  aucByEpoch: number[];
  /** AUC on the first training samples (as many as the test split has) after each epoch. */
  trainAucByEpoch: number[];
  logloss: number;
  seconds: number;
}

/** What the rows allow, from the generator's logits: Bayes, history part, item part, history part cut to L. */
function oracle(histories: readonly number[]): void {
  const g = generateSyntheticSequences(SHIPPED_SEQUENCE_CONFIG);
  const { plant, sequences, itemCategory, config } = { plant: g.planted, sequences: g.sequences, itemCategory: g.itemCategory, config: g.config };
  const test = g.rows.filter((r) => isTestUser(`u${r.user}`, config.testPercent));
  const labels = Uint8Array.from(test, (r) => r.label);
  const historyPart = (r: (typeof test)[number], L: number) => {
    const seq = sequences[r.user - 1];
    let sum = 0;
    for (let j = Math.max(0, r.cut - Math.min(L, config.maxHistory)); j < r.cut; j++) sum += plantedEffect(plant, r.category, itemCategory[seq[j]], r.cut - j);
    return plant.clamp * Math.tanh(sum / plant.clamp);
  };
  const full = test.map((r) => historyPart(r, config.maxHistory));
  const logit = test.map((r) => Math.log(r.probability / (1 - r.probability)));
  const line = (name: string, scores: number[]) => console.log(`  ${name.padEnd(48)} test AUC ${auc(Float64Array.from(scores), labels).toFixed(4)}`);
  console.log(`oracle (generator seed ${DATASET_SEED}, ${test.length} test samples, the generator's own logits):`);
  line('Bayes: item part + history part', logit);
  line('history part only (no target-item knowledge)', full);
  line(
    'item part only (no history)',
    logit.map((z, i) => z - full[i]),
  );
  // The item part learned from the training rows, the history part known: per item, the MAP
  // offset under the generator's own prior N(0, ITEM_BIAS_SD^2) (Newton on each item's rows; the
  // global bias from all rows), the best any model can do about items from these rows.
  const train = g.rows.filter((r) => !isTestUser(`u${r.user}`, config.testPercent));
  const trainHistory = train.map((r) => historyPart(r, config.maxHistory));
  const itemLogit = new Map<number, number[]>();
  let base = 0;
  for (let iter = 0; iter < 30; iter++) {
    let g1 = 0;
    let h1 = 0;
    train.forEach((r, i) => {
      const p = 1 / (1 + Math.exp(-(base + trainHistory[i])));
      g1 += r.label - p;
      h1 += p * (1 - p);
    });
    base += g1 / h1;
  }
  train.forEach((r, i) => itemLogit.set(r.item, [...(itemLogit.get(r.item) ?? []), i]));
  const offset = new Map<number, number>();
  const prior = 1 / ITEM_BIAS_SD ** 2;
  for (const [item, rows] of itemLogit) {
    let b = 0;
    for (let iter = 0; iter < 20; iter++) {
      let g1 = -prior * b;
      let h1 = prior;
      for (const i of rows) {
        const p = 1 / (1 + Math.exp(-(base + trainHistory[i] + b)));
        g1 += train[i].label - p;
        h1 += p * (1 - p);
      }
      b += g1 / h1;
    }
    offset.set(item, b);
  }
  line(
    'history part + item part learned from train rows',
    test.map((r, i) => full[i] + (offset.get(r.item) ?? 0)),
  );
  for (const L of histories) {
    const cut = test.map((r) => historyPart(r, L));
    line(
      `item part + history part, most recent ${L} only`,
      logit.map((z, i) => z - full[i] + cut[i]),
    );
  }
}

/** The dataset with each item id replaced by its category's id (the item vocabulary becomes the category one). */
function withoutItems(d: SequenceDataset): SequenceDataset {
  const strip = (s: SequenceSamples): SequenceSamples => ({ ...s, targetItems: s.targetCategories.slice(), histItems: s.histCategories.slice() });
  return { ...d, train: strip(d.train), test: strip(d.test), ...(d.valid ? { valid: strip(d.valid) } : {}), itemVocabulary: d.categoryVocabulary };
}

/** The first n samples of a split. */
function head(s: SequenceSamples, n: number): SequenceSamples {
  const m = Math.min(n, s.count);
  const end = s.histOffsets[m];
  return {
    count: m,
    labels: s.labels.subarray(0, m),
    users: s.users.subarray(0, m),
    targetItems: s.targetItems.subarray(0, m),
    targetCategories: s.targetCategories.subarray(0, m),
    histOffsets: s.histOffsets.subarray(0, m + 1),
    histItems: s.histItems.subarray(0, end),
    histCategories: s.histCategories.subarray(0, end),
  };
}

function trainOne(data: SequenceDataset, settings: SequenceTrainSettings, hidden: number[]): SweepRun {
  const trainSubset = head(data.train, data.test.count);
  const t0 = performance.now();
  const trainer = createSequenceTrainer(data, settings, { hidden });
  // --init-sd: DARE's own init (train_pytorch.py: every non-bias weight N(0, sd), sd 0.01), before the first step.
  if (values['init-sd'] !== undefined) {
    const sd = Number(values['init-sd']);
    for (const [i, v] of trainer.model.variables.entries())
      if (v.rank === 2) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, sd, 'float32', settings.seed * 1000 + i)));
  }
  try {
    const aucByEpoch: number[] = [];
    const trainAucByEpoch: number[] = [];
    let logloss = NaN;
    for (let e = 0; e < settings.epochs; e++) {
      for (let s = 0; s < trainer.stepsPerEpoch; s++) trainer.step();
      const m = trainer.evaluate(data.test);
      aucByEpoch.push(m.auc);
      logloss = m.logloss;
      // Train AUC on as many training samples as the test split has: memorising shows as a rising train AUC over a falling test AUC.
      trainAucByEpoch.push(trainer.evaluate(trainSubset).auc);
      console.error(
        `  ${label(settings)} seed ${settings.seed}, epoch ${e + 1}: test AUC ${m.auc.toFixed(4)}, train AUC ${trainAucByEpoch[e].toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    return { settings, aucByEpoch, trainAucByEpoch, logloss, seconds: (performance.now() - t0) / 1000 };
  } finally {
    trainer.dispose();
  }
}

const label = (s: SequenceTrainSettings) =>
  `${values['no-items'] ? 'no-items ' : ''}${values['init-sd'] !== undefined ? `init N(0, ${values['init-sd']}) ` : ''}${s.model}${s.model === 'dare' ? `(a${s.attentionDim})` : ''} lr ${s.lr}${s.tableLrScale ? ` (x${s.tableLrScale.category} cat, x${s.tableLrScale.position} pos, x${s.tableLrScale.item} item, x${s.tableLrScale.attention} DARE attn)` : ''}${s.weightDecay ? ` wd ${s.weightDecay}` : ''} ep ${s.epochs} bs ${s.batchSize} dim ${s.dim} L ${s.historyLength} k ${s.topK}`;

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : NaN;
  return { mean, sd };
}

async function main(): Promise<void> {
  const histories = list(values.history);
  if (values.oracle) oracle([...new Set([...histories, 10, 20, 30, 50, 100, SYNTHETIC_SEQUENCE_DEFAULTS.maxHistory])].sort((a, b) => a - b));
  if (values.models === 'none') return;
  await selectBackend('wasm');
  // The 3,000-user set (the fixture file's) the defaults were chosen on.
  const loaded = loadSequenceDataset(SEQUENCE_DATASET, 3000);
  const data = values['no-items'] ? withoutItems(loaded) : loaded;
  const bayes = loaded.bayesTestAuc ?? NaN;
  console.log(`${data.source}: ${data.train.count} train / ${data.test.count} test; Bayes test AUC ${bayes.toFixed(4)}; tfjs wasm, one thread`);
  const hidden = list(values.hidden);
  const runs: SweepRun[] = [];
  for (const model of values.models.split(',') as SequenceModelKind[])
    for (const lr of list(values.lr))
      for (const weightDecay of list(values.wd))
        for (const epochs of list(values.epochs))
          for (const batchSize of list(values.batch))
            for (const dim of list(values.dim))
              for (const historyLength of histories)
                for (const topK of list(values.topk))
                  for (const seed of list(values.seeds)) {
                    const attentionDim = model === 'dare' ? Math.max(1, Math.round(dim / Number(values['attn-div']))) : dim;
                    const settings: SequenceTrainSettings = {
                      model,
                      dim,
                      attentionDim,
                      topK,
                      historyLength,
                      lr,
                      weightDecay,
                      batchSize,
                      epochs,
                      seed,
                      ...(tableLrScale ? { tableLrScale } : {}),
                    };
                    const r = trainOne(data, settings, hidden);
                    runs.push(r);
                    console.log(
                      `${label(settings)} seed ${seed}: test AUC by epoch ${r.aucByEpoch.map((a) => a.toFixed(4)).join(' ')} (logloss ${r.logloss.toFixed(4)}, gap to Bayes ${(bayes - r.aucByEpoch[r.aucByEpoch.length - 1]).toFixed(4)}, ${r.seconds.toFixed(0)} s)`,
                    );
                  }
  const groups = new Map<string, SweepRun[]>();
  for (const r of runs) groups.set(label(r.settings), [...(groups.get(label(r.settings)) ?? []), r]);
  console.log(`\n| config | seeds | test AUC (mean ± sd) | gap to Bayes | s per run |\n| --- | --- | --- | --- | --- |`);
  for (const [name, rs] of groups) {
    const a = meanSd(rs.map((r) => r.aucByEpoch[r.aucByEpoch.length - 1]));
    const t = meanSd(rs.map((r) => r.seconds));
    console.log(
      `| ${name} | ${rs.map((r) => r.settings.seed).join(',')} | ${a.mean.toFixed(4)} ± ${Number.isNaN(a.sd) ? 'n/a' : a.sd.toFixed(4)} | ${(bayes - a.mean).toFixed(4)} | ${t.mean.toFixed(0)} |`,
    );
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ bayes, runs }, null, 1));
}

await main();
