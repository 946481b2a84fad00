/**
 * How close DNN / DCNv2 trained by the studio's trainer get to the Bayes AUC of a synthetic
 * dataset (synthetic-ctr-small by default), under a given training recipe (tfjs wasm,
 * single-threaded). One RESULT line per model.
 *
 *   npx tsx bench/aucRecipe.ts --models dnn,dcnv2 --lr 3e-3 --batch 512 --epochs 20 --patience 3
 *     [--wd 1e-6] [--dropout 0.2] [--dim 10] [--mlp 400,400] [--cross 3] [--evalEvery 0] [--seed 1]
 *     [--dataset synthetic-ctr-1m]   (a synthetic dataset of public/datasets/index.json, shipped or generated)
 *     [--generate rows,maxCardinality]   (generateSyntheticCtr, seed 2024, 24 fields, 2..max values)
 *     [--config '{"rows":100000,"zipfExponent":1.3}']   (generateSyntheticCtr with these overrides of synthetic-ctr-small's config)
 *     [--max-gap 0.02]   (exit 1 when a model's test AUC is further than this below the Bayes AUC)
 *     [--defaults]   (options not given take the dataset's training defaults, trainDefaultsFor, not the published setup)
 *   npx tsx bench/aucRecipe.ts --oracle [--config ...]   (no training: Bayes AUC and "perfect learner" ceilings)
 *
 * `npm run auc:check` is the issue's check: DNN and DCNv2 on synthetic-ctr-1m within 0.02 of
 * its Bayes AUC (~7 and ~11 min here).
 *
 * The oracle takes the generator's ground truth (syntheticCtrTruth: first-order weights, latent
 * vectors, pair weights), checks that it reproduces the file's true probabilities, then scores the test split with the true logit where every value seen fewer than
 * k times in the train split has its parameters set to 0 (the prior mean).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { decodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import { parseDatasetIndex } from '../src/data/ctr/datasetIndex.ts';
import { PUBLISHED_TRAIN_DEFAULTS, trainDefaultsFor } from '../src/data/ctr/trainDefaults.ts';
import { expectedSigmoid } from '../src/data/ctr/expectedSigmoid.ts';
import { calibrateBias, DEFAULT_SYNTHETIC_CTR, generateSyntheticCtr, syntheticCtrTruth, type SyntheticCtrConfig } from '../src/data/ctr/syntheticCtr.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { createTrainer } from '../src/models/trainer.ts';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, type ModelConfig, type ModelKind, type TrainConfig } from '../src/contracts/modelConfig.ts';

const ID = 'synthetic-ctr-small';
/** scripts/generateDatasets.ts's config of synthetic-ctr-small. */
const GEN = { seed: 2024, rows: 50_000, fields: 24, minCardinality: 2, maxCardinality: 20_000 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const indexDir = () => fileURLToPath(new URL('../public/datasets/', import.meta.url));
const indexEntry = (id: string) => {
  const entry = parseDatasetIndex(JSON.parse(readFileSync(`${indexDir()}index.json`, 'utf8'))).datasets.find((d) => d.id === id);
  if (!entry) throw new Error(`no dataset ${id} in public/datasets/index.json`);
  return entry;
};

/** The generator config of --dataset (when generated), --generate or --config; null for a shipped file. */
function generatorConfig(): SyntheticCtrConfig | null {
  const dataset = arg('dataset', '');
  if (dataset) return indexEntry(dataset).generator ?? null;
  const generate = arg('generate', '');
  if (generate) {
    const [rows, maxCardinality] = generate.split(',').map(Number);
    return { ...GEN, rows, maxCardinality };
  }
  const overrides = arg('config', '');
  return overrides ? { ...GEN, ...(JSON.parse(overrides) as Partial<SyntheticCtrConfig>) } : null;
}

function load(): { data: CtrDataset; bayes: number } {
  const config = generatorConfig();
  if (config) {
    const data = generateSyntheticCtr(config);
    return { data, bayes: Number(auc(data.test.trueProbabilities!, data.test.labels).toFixed(4)) };
  }
  const entry = indexEntry(arg('dataset', ID));
  return { data: decodeCtrDataset(new Uint8Array(readFileSync(indexDir() + entry.file))), bayes: entry.bayesTestAuc! };
}

function oracle(data: CtrDataset, bayes: number): void {
  const gen = generatorConfig() ?? GEN;
  const d = { ...DEFAULT_SYNTHETIC_CTR, ...gen };
  const { cardinalities: cards, rank, pairs, firstOrder, latent, pairWeights } = syntheticCtrTruth(gen);
  const F = cards.length;
  const samePairs = JSON.stringify(pairs) === JSON.stringify(data.plantedPairs);

  // Raw first-order and interaction parts of a row, with value v of field f kept when keep(f, v).
  const parts = (idx: Int32Array, r: number, keep: (f: number, v: number) => boolean): [number, number] => {
    let first = 0;
    for (let f = 0; f < F; f++) {
      const v = idx[r * F + f];
      if (keep(f, v)) first += firstOrder[f][v];
    }
    let inter = 0;
    pairs.forEach(([i, j], p) => {
      const a = idx[r * F + i];
      const b = idx[r * F + j];
      if (!keep(i, a) || !keep(j, b)) return;
      const w = pairWeights[p];
      let t = 0;
      for (let k = 0; k < rank; k++) t += latent[i][a * rank + k] * w[k] * latent[j][b * rank + k];
      inter += t;
    });
    return [first, inter];
  };

  // Standardisation constants over all 50k rows (mean and sd of each part), as the generator did.
  const all = [data.train, data.valid, data.test];
  const firsts: number[] = [];
  const inters: number[] = [];
  for (const s of all)
    for (let r = 0; r < s.rows; r++) {
      const [a, b] = parts(s.indices, r, () => true);
      firsts.push(a);
      inters.push(b);
    }
  const stats = (x: number[]) => {
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    return { m, sd: Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length) };
  };
  const sf = stats(firsts);
  const si = stats(inters);
  const scaleF = d.firstOrderStd / sf.sd;
  const scaleI = d.interactionStd / si.sd;
  const logitOf = ([a, b]: [number, number]) => (a - sf.m) * scaleF + (b - si.m) * scaleI;

  // Check: the rebuilt logits, calibrated like the generator, reproduce the stored probabilities.
  const logits = Float64Array.from(firsts.map((a, i) => logitOf([a, inters[i]])));
  const g = expectedSigmoid(d.noise);
  const bias = calibrateBias(logits, g, d.baseRate);
  let maxDiff = 0,
    row = 0;
  for (const s of all) for (let r = 0; r < s.rows; r++, row++) maxDiff = Math.max(maxDiff, Math.abs(g(logits[row] + bias) - s.trueProbabilities![r]));
  console.log(`ground truth rebuilt: pairs match file ${samePairs} (${pairs.length} pairs), max |p_rebuilt - p_file| = ${maxDiff.toExponential(2)}`);

  const test = data.test;
  console.log(
    `Bayes test AUC: index.json ${bayes}, true probabilities ${auc(test.trueProbabilities!, test.labels).toFixed(4)}, rebuilt logits ${auc(
      Float64Array.from({ length: test.rows }, (_, r) => logitOf(parts(test.indices, r, () => true))),
      test.labels,
    ).toFixed(4)}`,
  );

  // Train-split counts of every value.
  const counts = cards.map((c) => new Int32Array(c + 1));
  for (let i = 0; i < data.train.indices.length; i++) counts[i % F][data.train.indices[i]]++;
  // Share of test (row, field) cells and test rows touched by each threshold.
  for (const k of [1, 2, 5, 10, 20, 50, 100]) {
    const keep = (f: number, v: number) => counts[f][v] >= k;
    const scores = Float64Array.from({ length: test.rows }, (_, r) => logitOf(parts(test.indices, r, keep)));
    let cells = 0;
    for (let i = 0; i < test.indices.length; i++) if (!keep(i % F, test.indices[i])) cells++;
    const a = auc(scores, test.labels);
    console.log(
      `oracle k=${k}: values seen < ${k} times in train zeroed -> test AUC ${a.toFixed(4)} (gap to Bayes ${(bayes - a).toFixed(4)}); ${((100 * cells) / test.indices.length).toFixed(1)}% of test cells zeroed`,
    );
  }
  // Parts alone (full truth): what first-order only / interactions only would give.
  const only = (w: [number, number]) =>
    Float64Array.from({ length: test.rows }, (_, r) => {
      const [a, b] = parts(test.indices, r, () => true);
      return w[0] * (a - sf.m) * scaleF + w[1] * (b - si.m) * scaleI;
    });
  console.log(
    `first-order part only: test AUC ${auc(only([1, 0]), test.labels).toFixed(4)}; interaction part only: ${auc(only([0, 1]), test.labels).toFixed(4)}`,
  );
}

/** Trains one model and returns its gap to the Bayes AUC (Bayes - test AUC). */
async function train(data: CtrDataset, bayes: number, kind: ModelKind): Promise<number> {
  // Unset options fall back to the published setup, or with --defaults to the dataset's own (index.json, trainDefaultsFor).
  const d = process.argv.includes('--defaults') ? trainDefaultsFor(indexEntry(arg('dataset', ID)), kind) : PUBLISHED_TRAIN_DEFAULTS;
  const model: ModelConfig = {
    ...DEFAULT_MODEL_CONFIG,
    kind,
    embeddingDim: Number(arg('dim', String(d.dim))),
    mlp: arg('mlp', d.mlp.join(',')).split(',').map(Number),
    dropout: Number(arg('dropout', String(d.dropout))),
    crossLayers: Number(arg('cross', String(DEFAULT_MODEL_CONFIG.crossLayers))),
    seed: Number(arg('seed', '1')),
  };
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    lr: Number(arg('lr', String(d.lr))),
    batchSize: Number(arg('batch', String(d.batchSize))),
    epochs: Number(arg('epochs', String(d.epochs))),
    earlyStopPatience: Number(arg('patience', String(d.patience))),
    weightDecay: Number(arg('wd', String(d.weightDecay))),
    evalEvery: Number(arg('evalEvery', String(d.evalEvery))),
    seed: Number(arg('seed', '1')),
  };
  const verbose = process.argv.includes('--verbose');
  const t0 = performance.now();
  const trainer = createTrainer(data, model, config);
  const curve: string[] = [];
  try {
    while (!trainer.state.done) {
      const run = await trainer.runSteps(50);
      for (const v of run.validations) {
        curve.push(v.auc.toFixed(4));
        if (verbose)
          console.log(
            `  epoch ${v.epoch} step ${v.step}: valid AUC ${v.auc.toFixed(4)} logloss ${v.logloss.toFixed(4)}, train loss ${run.meanLoss.toFixed(4)} [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
          );
      }
    }
    const st = trainer.state;
    trainer.restoreBest();
    const test = await trainer.evaluate('test');
    const secs = (performance.now() - t0) / 1000;
    const desc = `${kind} lr ${config.lr} batch ${config.batchSize} epochs<=${config.epochs} pat ${config.earlyStopPatience} wd ${config.weightDecay} drop ${model.dropout} dim ${model.embeddingDim} mlp ${model.mlp.join('-')}${kind === 'dcnv2' ? ` cross ${model.crossLayers}` : ''} seed ${model.seed}`;
    console.log(
      `RESULT | ${arg('dataset', '') || arg('generate', '') || arg('config', '') || ID} | ${desc} | epochs run ${st.epoch} | steps ${st.step} (best at ${st.bestStep}) | ${secs.toFixed(0)} s | best valid ${st.bestValidAuc.toFixed(4)} | test ${test.auc.toFixed(4)} (logloss ${test.logloss.toFixed(4)}) | Bayes ${bayes} | gap ${(bayes - test.auc).toFixed(4)} | valid curve ${curve.join(' ')}`,
    );
    return bayes - test.auc;
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  const { data, bayes } = load();
  if (process.argv.includes('--oracle')) return oracle(data, bayes);
  await selectBackend('wasm');
  const maxGap = Number(arg('max-gap', 'Infinity'));
  let failed = 0;
  for (const kind of arg('models', arg('model', 'dnn')).split(',') as ModelKind[]) {
    const gap = await train(data, bayes, kind);
    if (Number.isFinite(maxGap)) console.log(`${kind}: Bayes - test AUC = ${gap.toFixed(4)} -> ${gap <= maxGap ? 'within' : 'NOT within'} ${maxGap}`);
    if (gap > maxGap) failed++;
  }
  if (failed) process.exitCode = 1;
}

void main();
