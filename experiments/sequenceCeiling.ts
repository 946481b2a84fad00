/**
 * Why do TWIN and DARE stop ~0.035 below the synthetic sequences' Bayes AUC (issue 15)? Each run
 * trains on the shipped generator's train split less a validation part (train users whose id is a
 * multiple of 6, never the test split) and reads, on the validation part only:
 *   - the AUC against the validation Bayes AUC and the ceiling at the history cut (item part +
 *     history part of the most recent L behaviours, from the generator's own logits);
 *   - what attention does: of the history's signal behaviours (a planted effect of at least 0.05 on this target),
 *     the share the search keeps in its top k, and the attention weight the pooling gives them.
 * `--users` regenerates with more users (the same generator, seed and plant: a learning curve over
 * data size); `--pooling` picks the model's pooling form (sequenceModel.ts).
 *
 *   npx tsx experiments/sequenceCeiling.ts [--models twin,dare] [--seeds 1,2] [--users 3000]
 *     [--epochs 2] [--pooling softmax,sum] [--history 100] [--topk 20] [--lr 0.003] [--batch 128] [--attn-div 1]
 *     [--rows-out rows.csv] (the fit and validation rows for experiments/sequenceWellSpecified.py; `--models none` trains nothing)
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SequenceModelKind, SequencePooling, SequenceSamples, SequenceTrainSettings } from '../src/contracts/sequence.ts';
import { auc } from '../src/data/ctr/auc.ts';
import { isTestUser } from '../src/data/sequence/sequenceSplit.ts';
import { generateSyntheticSequences, plantedEffect, SHIPPED_SEQUENCE_CONFIG, type SyntheticSequenceRow } from '../src/data/sequence/syntheticSequences.ts';
import { createSequenceTrainer, type SequenceTrainer } from '../src/models/sequence/sequenceTrainer.ts';
import { selectBackend } from '../test/support/testBackend.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'twin,dare' },
    seeds: { type: 'string', default: '1,2' },
    users: { type: 'string', default: '3000' },
    epochs: { type: 'string', default: '2' },
    pooling: { type: 'string', default: 'softmax' },
    history: { type: 'string', default: '100' },
    topk: { type: 'string', default: '20' },
    lr: { type: 'string', default: '0.003' },
    batch: { type: 'string', default: '128' },
    dim: { type: 'string', default: '16' },
    'attn-div': { type: 'string', default: '1' },
    'rows-out': { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map(Number);

/** The samples of `s` whose index passes `keep`, as a new split. */
function subset(s: SequenceSamples, keep: (i: number) => boolean): SequenceSamples {
  const idx = Array.from({ length: s.count }, (_, i) => i).filter(keep);
  const histOffsets = new Int32Array(idx.length + 1);
  idx.forEach((i, r) => (histOffsets[r + 1] = histOffsets[r] + s.histOffsets[i + 1] - s.histOffsets[i]));
  const histItems = new Int32Array(histOffsets[idx.length]);
  const histCategories = new Int32Array(histOffsets[idx.length]);
  idx.forEach((i, r) => {
    histItems.set(s.histItems.subarray(s.histOffsets[i], s.histOffsets[i + 1]), histOffsets[r]);
    histCategories.set(s.histCategories.subarray(s.histOffsets[i], s.histOffsets[i + 1]), histOffsets[r]);
  });
  const pick = <T extends Uint8Array | Int32Array>(a: T) => a.filter((_, i) => keep(i)) as T;
  return {
    count: idx.length,
    labels: pick(s.labels),
    users: pick(s.users),
    targetItems: pick(s.targetItems),
    targetCategories: pick(s.targetCategories),
    histOffsets,
    histItems,
    histCategories,
  };
}

const users = Number(values.users);
const g = generateSyntheticSequences({ ...SHIPPED_SEQUENCE_CONFIG, users });
const d = g.dataset;
const trainRows = g.rows.filter((r) => !isTestUser(`u${r.user}`, g.config.testPercent));
if (trainRows.length !== d.train.count || trainRows.some((r, i) => r.label !== d.train.labels[i])) throw new Error('generator rows and train split disagree');
const isValid = (i: number) => d.train.users[i] % 6 === 0;
const fit = subset(d.train, (i) => !isValid(i));
const valid = subset(d.train, isValid);
const validRows: SyntheticSequenceRow[] = trainRows.filter((_, i) => isValid(i));
const category = (id: number) => Number(d.categoryNames[id]);

/** Planted effects of a validation sample's behaviours (oldest first) among its most recent L. */
function effects(v: number, L: number): Float64Array {
  const from = Math.max(valid.histOffsets[v], valid.histOffsets[v + 1] - L);
  const n = valid.histOffsets[v + 1] - from;
  const t = category(valid.targetCategories[v]);
  return Float64Array.from({ length: n }, (_, j) => plantedEffect(g.planted, t, category(valid.histCategories[from + j]), n - j));
}

function ceilings(L: number): { bayes: number; cut: number } {
  const logit = validRows.map((r) => Math.log(r.probability / (1 - r.probability)));
  const full = validRows.map((r) => {
    const seq = g.sequences[r.user - 1];
    let sum = 0;
    for (let j = Math.max(0, r.cut - g.config.maxHistory); j < r.cut; j++) sum += plantedEffect(g.planted, r.category, g.itemCategory[seq[j]], r.cut - j);
    return g.planted.clamp * Math.tanh(sum / g.planted.clamp);
  });
  const cut = validRows.map((_, v) => {
    const sum = effects(v, L).reduce((a, b) => a + b, 0);
    return g.planted.clamp * Math.tanh(sum / g.planted.clamp);
  });
  return { bayes: auc(Float64Array.from(logit), valid.labels), cut: auc(Float64Array.from(logit.map((z, i) => z - full[i] + cut[i])), valid.labels) };
}

/** A behaviour with a planted effect at least this large is a signal behaviour (the own category's recency term fades below it after ~5 positions). */
const SIGNAL = 0.05;

/**
 * Over the validation samples with a signal behaviour: the share of those behaviours the top k keep,
 * the pooling weight on them, their share of the top k (equal to the weight when the pooling is
 * uniform over the kept), and their share of the history.
 */
function attentionReading(trainer: SequenceTrainer, k: number, pooling: SequencePooling): { recall: number; mass: number; kept: number; base: number } {
  const n = Math.min(valid.count, 3000);
  const scores = trainer.attentionScores(valid, 0, n);
  let recall = 0;
  let mass = 0;
  let kept = 0;
  let base = 0;
  let rows = 0;
  for (let v = 0; v < n; v++) {
    const e = effects(v, trainer.settings.historyLength);
    const signal = e.filter((x) => Math.abs(x) >= SIGNAL).length;
    if (signal === 0) continue;
    const s = scores[v];
    const top = Array.from(s.keys())
      .sort((a, b) => s[b] - s[a])
      .slice(0, k);
    const max = Math.max(...top.map((j) => s[j]));
    const w = top.map((j) => (pooling === 'sum' ? 1 / (1 + Math.exp(-s[j])) : Math.exp(s[j] - max)));
    const total = w.reduce((a, b) => a + b, 0);
    const inTop = top.filter((j) => Math.abs(e[j]) >= SIGNAL).length;
    recall += inTop / Math.min(signal, k);
    kept += inTop / top.length;
    mass += top.reduce((a, j, i) => a + (Math.abs(e[j]) >= SIGNAL ? w[i] : 0), 0) / total;
    base += signal / e.length;
    rows++;
  }
  return { recall: recall / rows, mass: mass / rows, kept: kept / rows, base: base / rows };
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const L = Number(values.history);
  const k = Number(values.topk);
  const c = ceilings(L);
  console.log(
    `generator users ${users}: fit ${fit.count} / validation ${valid.count} samples (train users with id % 6 = 0); validation Bayes AUC ${c.bayes.toFixed(4)}, item part + history part of the last ${L}: ${c.cut.toFixed(4)}; tfjs wasm, one thread`,
  );
  if (values['rows-out']) {
    // part, user, target item, target category (generator numbers), label, true probability, the last L behaviours' categories (oldest first).
    const lines: string[] = [];
    let v = 0;
    trainRows.forEach((r, i) => {
      const part = isValid(i) ? 'valid' : 'fit';
      const seq = g.sequences[r.user - 1];
      const cats = Array.from(seq.subarray(Math.max(0, r.cut - L), r.cut), (item) => g.itemCategory[item]);
      lines.push([part, r.user, r.item, r.category, r.label, r.probability.toFixed(6), cats.join(' ')].join(','));
      if (part === 'valid') v++;
    });
    writeFileSync(values['rows-out'], lines.join('\n') + '\n');
    console.log(`wrote ${lines.length} rows (${v} validation) to ${values['rows-out']}`);
  }
  if (values.models === 'none') return;
  const data = { ...d, train: fit, test: valid };
  for (const model of values.models.split(',') as SequenceModelKind[])
    for (const pooling of values.pooling.split(',') as SequencePooling[])
      for (const seed of list(values.seeds)) {
        const dim = Number(values.dim);
        const settings: SequenceTrainSettings = {
          model,
          dim,
          attentionDim: model === 'dare' ? Math.max(1, Math.round(dim / Number(values['attn-div']))) : dim,
          topK: k,
          historyLength: L,
          lr: Number(values.lr),
          batchSize: Number(values.batch),
          epochs: Number(values.epochs),
          seed,
          ...(pooling === 'softmax' ? {} : { pooling }),
        };
        const t0 = performance.now();
        const trainer = createSequenceTrainer(data, settings);
        try {
          for (let e = 1; e <= settings.epochs; e++) {
            for (let s = 0; s < trainer.stepsPerEpoch; s++) trainer.step();
            const m = trainer.evaluate(valid);
            const a = attentionReading(trainer, model === 'din' || model === 'tin' ? L : k, pooling);
            console.log(
              `${model}${model === 'dare' ? ` a${settings.attentionDim}` : ''} ${pooling} seed ${seed} epoch ${e}: valid AUC ${m.auc.toFixed(4)} (gap to the cut ceiling ${(c.cut - m.auc).toFixed(4)}); signal behaviours kept ${a.recall.toFixed(3)}, attention weight on them ${a.mass.toFixed(3)} (their share of the kept ${a.kept.toFixed(3)}, of the history ${a.base.toFixed(3)}) (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
            );
          }
        } finally {
          trainer.dispose();
        }
        if (tf.memory().numTensors > 50) console.error(`tensors left: ${tf.memory().numTensors}`);
      }
}

await main();
