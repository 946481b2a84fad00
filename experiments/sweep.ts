/**
 * The sweep that chooses each built-in dataset's training defaults (index.json `trainDefaults`,
 * written by scripts/generateDatasets.ts). Per dataset and model: a grid of learning rate x batch
 * size (up to 20 epochs, validation each epoch, early stop after 2 evaluations without a better
 * valid AUC), then weight decay and dropout varied around the best of the grid. Each setting runs
 * over the given seeds. A setting is chosen on its mean **validation** AUC (the test split stays
 * out of the choice); among settings within 0.002 of the best, the fastest wins. Prints one row
 * per setting and the chosen defaults as JSON.
 *
 *   npm run experiment:sweep -- [--datasets synthetic-ctr-tiny,synthetic-ctr-lesson] [--models dnn] [--seeds 1,2]
 *     [--lrs 2e-3,5e-3,1e-2] [--batches 256,512,1024] [--mlp 64-32]
 */
import { auc } from '../src/data/ctr/auc.ts';
import { GENERAL_TRAIN_DEFAULTS, trainDefaultsFor, type TrainDefaults } from '../src/data/ctr/trainDefaults.ts';
import type { ModelKind } from '../src/contracts/modelConfig.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { loadBuiltinDataset } from './builtinDataset.ts';
import { trainCtrRun, type CtrRunResult } from './ctrTrainRun.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const list = (name: string, fallback: string) => arg(name, fallback).split(',').filter(Boolean);
const numbers = (name: string, fallback: string) => list(name, fallback).map(Number);

/** Settings whose mean valid AUC is within this of the best count as tied; the fastest of them wins. */
const TIE = 0.002;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

interface Measured {
  d: TrainDefaults;
  runs: CtrRunResult[];
  valid: number;
  test: number;
  testSd: number;
  seconds: number;
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const datasets = list('datasets', 'synthetic-ctr-tiny,synthetic-ctr-lesson');
  const models = list('models', 'dnn') as ModelKind[];
  const seeds = numbers('seeds', '1,2');
  const lrs = numbers('lrs', '2e-3,5e-3,1e-2');
  const batches = numbers('batches', '256,512,1024');
  const mlp = arg('mlp', '64-32').split('-').map(Number);
  console.log(`sweep: seeds ${seeds.join(',')}; choice on mean valid AUC (ties within ${TIE}: fastest)`);
  console.log('| dataset | model | lr | batch | wd | dropout | valid AUC | test AUC (± sd) | Bayes | gap | epochs | s / run |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const id of datasets) {
    const { entry, data } = loadBuiltinDataset(id);
    const bayes = data.test.trueProbabilities ? auc(data.test.trueProbabilities, data.test.labels) : NaN;
    for (const kind of models) {
      const base: TrainDefaults = {
        ...GENERAL_TRAIN_DEFAULTS,
        ...trainDefaultsFor(entry, kind),
        epochs: 20,
        evalEvery: 0,
        patience: 2,
        mlp,
        dropout: 0,
        weightDecay: 1e-6,
      };
      const measured: Measured[] = [];
      const measure = async (d: TrainDefaults): Promise<Measured> => {
        const runs: CtrRunResult[] = [];
        for (const seed of seeds) runs.push(await trainCtrRun(data, kind, d, seed));
        const tests = runs.map((r) => r.testAuc);
        const m = { d, runs, valid: mean(runs.map((r) => r.bestValidAuc)), test: mean(tests), testSd: sd(tests), seconds: mean(runs.map((r) => r.seconds)) };
        measured.push(m);
        console.log(
          `| ${id} | ${kind} | ${d.lr} | ${d.batchSize} | ${d.weightDecay} | ${d.dropout} | ${m.valid.toFixed(4)} | ${m.test.toFixed(4)} ± ${m.testSd.toFixed(4)} | ${bayes.toFixed(4)} | ${(bayes - m.test).toFixed(4)} | ${mean(runs.map((r) => r.epochs)).toFixed(1)} | ${m.seconds.toFixed(1)} |`,
        );
        return m;
      };
      const choose = () => {
        const best = Math.max(...measured.map((m) => m.valid));
        return measured.filter((m) => m.valid >= best - TIE).sort((a, b) => a.seconds - b.seconds)[0];
      };
      for (const lr of lrs) for (const batchSize of batches) await measure({ ...base, lr, batchSize });
      const grid = choose();
      await measure({ ...grid.d, weightDecay: 1e-5 });
      await measure({ ...grid.d, weightDecay: 0 });
      await measure({ ...grid.d, dropout: 0.1 });
      const chosen = choose();
      console.log(
        `chosen for ${id} · ${kind}: ${JSON.stringify(chosen.d)} -> valid ${chosen.valid.toFixed(4)}, test ${chosen.test.toFixed(4)} ± ${chosen.testSd.toFixed(4)} vs Bayes ${bayes.toFixed(4)}, ${chosen.seconds.toFixed(1)} s per run`,
      );
    }
  }
}

await main();
