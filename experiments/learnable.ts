/**
 * Issue 12, "learnable by default": each built-in synthetic CTR dataset's default model (DNN, the
 * Train tab's default; DCNv2 too on the lesson/demo sets), trained with the dataset's own
 * defaults (trainDefaultsFor, index.json), against the dataset's Bayes test AUC and its time
 * budget: lesson/demo sets within 0.02 in <= 30 s, the larger ones within 0.02 in <= 5 min.
 * A dataset that is hard by design (synthetic-ctr-small) is held to its measured ceiling instead.
 * Every seed must meet the target; the row shows mean ± sd of the gap and the slowest seed.
 *
 * Then the scaling queue on its defaults (every size within 0.05 of Bayes; not in --quick).
 *
 *   npx tsx experiments/learnable.ts [--quick | --scaling-only | --only synthetic-ctr-tiny,...]   (--quick: seed 1 only, lesson/demo sets only)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import { parseDatasetIndex, type DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { trainDefaultsFor } from '../src/data/ctr/trainDefaults.ts';
import type { ModelKind } from '../src/contracts/modelConfig.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { loadBuiltinDataset } from './builtinDataset.ts';
import type { CheckRow } from './checkRow.ts';
import { trainCtrRun } from './ctrTrainRun.ts';
import { loadavg } from 'node:os';
import { runScalingPoint } from '../src/models/scalingExperiment.ts';
import { scalingSpecs } from '../src/state/scalingExperiment.ts';
import { DEFAULT_SCALING, DEFAULT_TRAINING_FORM } from '../src/state/trainingSlice.ts';

/** The largest gap to the Bayes AUC a learnable dataset may leave. */
export const MAX_GAP = 0.02;
/** The scaling queue on its defaults: every size within this of the Bayes AUC. */
export const SCALING_MAX_GAP = 0.05;

/** The machine's 1-minute load average, printed beside every time (the 2-core machine is shared). */
const load = () => `load ${loadavg()[0].toFixed(1)}`;

interface Target {
  /** Seconds one run may take. */
  budget: number;
  models: ModelKind[];
  /** Seeds of the full check (the quick check runs the first only). */
  seeds: number[];
  /** Left out of the quick check (minutes per run). */
  slow?: boolean;
}

/** Per dataset id: budget, models and seeds. Datasets not listed (real-file samples, side data) are not checked. */
export const LEARNABLE_TARGETS: Record<string, Target> = {
  'synthetic-ctr-tiny': { budget: 30, models: ['dnn', 'dcnv2'], seeds: [1, 2, 3] },
  'synthetic-ctr-lesson': { budget: 30, models: ['dnn', 'dcnv2'], seeds: [1, 2, 3] },
  'synthetic-ctr-small': { budget: 300, models: ['dnn'], seeds: [1], slow: true },
  'synthetic-ctr-1m': { budget: 300, models: ['dnn'], seeds: [1], slow: true },
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

function builtInEntries(): DatasetIndexEntry[] {
  const path = fileURLToPath(new URL('../public/datasets/index.json', import.meta.url));
  return parseDatasetIndex(JSON.parse(readFileSync(path, 'utf8'))).datasets.filter((d) => d.family === 'ctr' && d.id in LEARNABLE_TARGETS);
}

/** One row per dataset and model: test AUC vs Bayes (mean over seeds), gap ± sd, the slowest seed's seconds. */
export async function learnableRows(options: { quick?: boolean; only?: string[]; log?: (line: string) => void } = {}): Promise<CheckRow[]> {
  await selectBackend('wasm');
  const log = options.log ?? (() => {});
  const rows: CheckRow[] = [];
  for (const entry of builtInEntries()) {
    const target = LEARNABLE_TARGETS[entry.id];
    if ((options.quick && target.slow) || (options.only && !options.only.includes(entry.id))) continue;
    const { data } = loadBuiltinDataset(entry.id);
    const bayes = auc(data.test.trueProbabilities!, data.test.labels);
    const seeds = options.quick ? target.seeds.slice(0, 1) : target.seeds;
    for (const kind of target.models) {
      const d = trainDefaultsFor(entry, kind);
      const runs = [];
      for (const seed of seeds) {
        const r = await trainCtrRun(data, kind, d, seed);
        log(
          `${entry.id} · ${kind} · seed ${seed}: test AUC ${r.testAuc.toFixed(4)} (Bayes ${bayes.toFixed(4)}, gap ${(bayes - r.testAuc).toFixed(4)}), ${r.steps} steps, ${r.epochs} epochs${r.stoppedEarly ? ', stopped early' : ''}, ${r.seconds.toFixed(1)} s`,
        );
        runs.push(r);
      }
      const aucs = runs.map((r) => r.testAuc);
      const gaps = aucs.map((a) => bayes - a);
      const slowest = Math.max(...runs.map((r) => r.seconds));
      // Hard by design (index.json's measuredCeilingAuc): held to within MAX_GAP of the best any recipe reached.
      const ceiling = entry.measuredCeilingAuc;
      const reference = ceiling ?? bayes;
      const pass = aucs.every((a) => reference - a <= MAX_GAP) && slowest <= target.budget;
      const recipe = `lr ${d.lr}, batch ${d.batchSize}, <= ${d.epochs} epochs, patience ${d.patience}, MLP ${d.mlp.join('-')}`;
      rows.push({
        name: `${entry.id} · ${kind} · test AUC vs Bayes (${recipe})`,
        measured: `${mean(aucs).toFixed(4)} vs ${bayes.toFixed(4)} (gap ${mean(gaps).toFixed(4)} ± ${sd(gaps).toFixed(4)}, ${seeds.length} seed${seeds.length === 1 ? '' : 's'}) in <= ${slowest.toFixed(0)} s (${load()})`,
        target: ceiling
          ? `hard by design: within ${MAX_GAP} of its measured ceiling ${ceiling} in <= ${target.budget} s`
          : `gap <= ${MAX_GAP} in every seed, <= ${target.budget} s`,
        pass,
      });
    }
  }
  if (!options.quick && !options.only) rows.push(await scalingQueueRow(log));
  return rows;
}

/**
 * The Train tab's scaling queue exactly as it starts on its defaults (the default form on
 * synthetic-ctr-tiny, DEFAULT_SCALING): every run's test AUC within SCALING_MAX_GAP of Bayes.
 */
export async function scalingQueueRow(log: (line: string) => void = () => {}): Promise<CheckRow> {
  await selectBackend('wasm');
  const form = DEFAULT_TRAINING_FORM;
  const { data } = loadBuiltinDataset(form.datasetId);
  const bayes = auc(data.test.trueProbabilities!, data.test.labels);
  const t0 = performance.now();
  const points = [];
  for (const spec of scalingSpecs(form, DEFAULT_SCALING.settings)) {
    const p = await runScalingPoint(data, spec);
    log(
      `scaling queue · ${spec.variant} ${spec.size}x seed ${spec.seed}: test AUC ${p.testAuc.toFixed(4)} (gap ${(bayes - p.testAuc).toFixed(4)}), mean IA ${p.meanIa.toFixed(2)}, ${p.steps} steps`,
    );
    points.push(p);
  }
  const worst = points.reduce((w, p) => (p.testAuc < w.testAuc ? p : w));
  const s = DEFAULT_SCALING.settings;
  return {
    name: `scaling queue defaults (${form.datasetId}, ${s.kind}, base dim ${s.baseDim}, sizes ${s.sizes.join('/')}, ${s.variants.join('+')}, <= ${s.epochs} epochs) · test AUC vs Bayes`,
    measured: `worst ${worst.variant} ${worst.size}x ${worst.testAuc.toFixed(4)} vs ${bayes.toFixed(4)} (gap ${(bayes - worst.testAuc).toFixed(4)}); ${points.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s (${load()})`,
    target: `every size within ${SCALING_MAX_GAP} of Bayes`,
    pass: points.every((p) => bayes - p.testAuc <= SCALING_MAX_GAP),
  };
}

function onlyArg(): string[] | undefined {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? process.argv[i + 1].split(',') : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = (line: string) => console.log(`  ${line}`);
  const rows = process.argv.includes('--scaling-only')
    ? [await scalingQueueRow(log)]
    : await learnableRows({ quick: process.argv.includes('--quick'), only: onlyArg(), log });
  for (const r of rows) console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.measured}  (target ${r.target})`);
  process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
}
