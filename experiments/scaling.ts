/**
 * The check of the scaling experiment, in Node on tfjs wasm (cpu with --backend cpu):
 *   1. DNN and DCNv2 at 1x on the default synthetic dataset: test AUC against its Bayes AUC;
 *   2. at `--size` (default 4x), single vs multi-embedding mean IA (sets side by side) over seeds.
 *
 *   npm run experiment:scaling -- [--dataset synthetic-ctr-small | synthetic-ctr-1m | --generate rows,maxCardinality]
 *     [--epochs 10] [--batch 2048] [--seeds 1,2,3] [--size 4] [--skip-auc]
 *
 * Cost on a shared 2-core machine (load ~9): part 1 on synthetic-ctr-small with the published
 * 10 epochs / early stop took ~10 min (DNN 223 s, DCNv2 ~400 s); part 2 does not fit that budget
 * at 10 epochs, and `--skip-auc --epochs 2` took 17.5 min for the 6 runs. One DNN step at batch
 * 2048 costs ~0.6-1 s, a DCNv2 step ~5 s (load 8-10), so part 1 on `--generate 200000,2000` (78
 * steps an epoch) takes ~6 min for the DNN and over 20 min for DCNv2; on 500k rows it is ~4 min
 * an epoch for the DNN. Fewer epochs shortens every run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { decodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import type { DatasetIndex } from '../src/data/ctr/datasetIndex.ts';
import { generateSyntheticCtr } from '../src/data/ctr/syntheticCtr.ts';
import { runScalingPoint } from '../src/models/scalingExperiment.ts';
import { scalingRuns, summarizeScaling, type ScalingPoint } from '../src/analysis/scalingPlan.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, type ModelKind } from '../src/contracts/modelConfig.ts';

const DATASET = 'synthetic-ctr-small';

/** A dataset of the index by id (shipped, or generated here from its config), or (--generate rows,maxCardinality) one generated here like the shipped ones: seed 2024, 24 fields from 2 values. */
function loadDataset(): { name: string; data: CtrDataset; bayesTestAuc: number } {
  const generate = arg('generate', '');
  if (generate) {
    const [rows, maxCardinality] = generate.split(',').map(Number);
    const data = generateSyntheticCtr({ seed: 2024, rows, fields: 24, minCardinality: 2, maxCardinality });
    return { name: `generated (seed 2024, 24 fields, 2..${maxCardinality} values)`, data, bayesTestAuc: auc(data.test.trueProbabilities!, data.test.labels) };
  }
  const dir = fileURLToPath(new URL('../public/datasets/', import.meta.url));
  const index = JSON.parse(readFileSync(`${dir}index.json`, 'utf8')) as DatasetIndex;
  const entry = index.datasets.find((d) => d.id === arg('dataset', DATASET))!;
  const data = entry.generator
    ? generateSyntheticCtr({ ...entry.generator, name: entry.id })
    : decodeCtrDataset(new Uint8Array(readFileSync(dir + entry.file)));
  return { name: entry.name, data, bayesTestAuc: entry.bayesTestAuc! };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const backend = arg('backend', 'wasm') as 'wasm' | 'cpu';
  const epochs = Number(arg('epochs', '10'));
  const batchSize = Number(arg('batch', '2048'));
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const size = Number(arg('size', '4'));
  await selectBackend(backend);

  const entry = loadDataset();
  const data = entry.data;
  const train = { ...DEFAULT_TRAIN_CONFIG, epochs, batchSize };
  console.log(
    `${entry.name}: ${data.train.rows}/${data.valid.rows}/${data.test.rows} rows, ${data.fields.length} fields; Bayes test AUC ${entry.bayesTestAuc.toFixed(4)}`,
  );
  console.log(
    `tfjs ${backend}; Adam lr ${train.lr}, wd ${train.weightDecay}, batch ${batchSize}, up to ${epochs} epochs, early stop patience ${train.earlyStopPatience}`,
  );

  const t0 = performance.now();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const show = (p: ScalingPoint, kind: string) =>
    console.log(
      `  ${kind} ${p.variant} ${p.size}x seed ${p.seed}: ${p.parameters} params, ${p.steps} steps, test AUC ${p.testAuc.toFixed(4)}, mean IA ${p.meanIa.toFixed(2)} (IA/K ${p.meanIaRatio.toFixed(3)})  [${elapsed()}]`,
    );

  if (!process.argv.includes('--skip-auc')) {
    console.log('\n1. Test AUC vs Bayes AUC (1x, single embedding, seed 1)');
    for (const kind of ['dnn', 'dcnv2'] as ModelKind[]) {
      const [spec] = scalingRuns({ sizes: [1], variants: ['single'], seeds: [1], model: { ...DEFAULT_MODEL_CONFIG, kind }, train });
      const p = await runScalingPoint(data, spec);
      show(p, kind);
      const gap = entry.bayesTestAuc - p.testAuc;
      console.log(`  ${kind}: Bayes - test AUC = ${gap.toFixed(4)} -> ${gap <= 0.02 ? 'within' : 'NOT within'} 0.02`);
    }
  }

  console.log(`\n2. Mean IA at ${size}x: single (dim ${10 * size}) vs multi-embedding (${size} sets of dim 10), DNN, seeds ${seeds.join(',')}`);
  const points: ScalingPoint[] = [];
  for (const spec of scalingRuns({ sizes: [size], variants: ['single', 'multi'], seeds, model: DEFAULT_MODEL_CONFIG, train })) {
    const p = await runScalingPoint(data, spec);
    show(p, 'dnn');
    points.push(p);
  }
  console.log('\n| variant | size | seeds | params | test AUC (mean +- sd) | mean IA (mean +- sd) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of summarizeScaling(points)) {
    console.log(
      `| ${r.variant} | ${r.size}x | ${r.seeds} | ${r.parameters} | ${r.testAuc.toFixed(4)} +- ${r.testAucStd.toFixed(4)} | ${r.meanIa.toFixed(2)} +- ${r.meanIaStd.toFixed(2)} |`,
    );
  }
  const wins = seeds.filter((s) => {
    const one = (v: string) => points.find((p) => p.seed === s && p.variant === v)!.meanIa;
    return one('multi') > one('single');
  }).length;
  console.log(`multi-embedding mean IA above single in ${wins} of ${seeds.length} seeds; total ${elapsed()}`);
}

void main();
