/**
 * Measures task dominance on the imbalanced synthetic problem the studio ships
 * (synthetic-mtl-small: click 30 %, like 3 %): for each seed, trains the same model with Adam and
 * with AdaTask and prints the top shared layer's mean rAU per task, the dominant task's argmax
 * share, and test AUC / gAUC per task.
 *   npm run experiment:dominance -- [kind=shared-bottom] [epochs=3] [seeds=1,2,3] [optimizer=adatask]
 */
import { loadBuiltinDataset } from './builtinDataset.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import type { MultiTaskOptimizerKind } from '../src/contracts/multitaskConfig.ts';
import { createMultiTaskTrainer, type TaskMetrics } from '../src/models/multitask/multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG } from '../src/models/multitask/types.ts';
import { type MultiTaskKind } from '../src/contracts/multitaskConfig.ts';

export interface DominanceRun {
  seed: number;
  optimizer: MultiTaskOptimizerKind;
  layer: string;
  meanRau: number[];
  /** Mean rAU of the first task in every shared layer, bottom to top. */
  firstTaskRauByLayer: { layer: string; rau: number }[];
  argmaxShare: number[];
  test: TaskMetrics[];
  comparable: TaskMetrics[];
  seconds: number;
}

export function runDominance(kind: MultiTaskKind, optimizer: MultiTaskOptimizerKind, seed: number, epochs: number, batchSize = 256, lr = 3e-3): DominanceRun {
  const { data } = loadBuiltinDataset('synthetic-mtl-small');
  const trainer = createMultiTaskTrainer(data, { ...DEFAULT_MULTI_TASK_CONFIG, kind, seed }, { optimizer, lr, batchSize, seed });
  const start = performance.now();
  const steps = Math.floor(data.train.rows / batchSize) * epochs;
  for (let i = 0; i < steps; i++) trainer.step();
  const layers = trainer.dominance();
  const top = layers[layers.length - 1];
  const run = {
    seed,
    optimizer,
    layer: top.layer,
    meanRau: top.meanRau,
    firstTaskRauByLayer: layers.map((l) => ({ layer: l.layer, rau: l.meanRau[0] })),
    argmaxShare: top.argmaxShare,
    test: trainer.evaluate(data.test),
    comparable: trainer.evaluate(data.test, { comparableOnly: true }),
    seconds: (performance.now() - start) / 1000,
  };
  trainer.dispose();
  return run;
}

function format(run: DominanceRun): string {
  const f = (x: number) => x.toFixed(3);
  const metrics = run.test.map((m) => `${m.task} AUC ${f(m.auc)} gAUC ${f(m.gauc)}`).join(', ');
  const byLayer = run.firstTaskRauByLayer.map((l) => `${l.layer} ${f(l.rau)}`).join(', ');
  return `seed ${run.seed} ${run.optimizer.padEnd(8)} ${run.layer}: mean rAU [${run.meanRau.map(f).join(', ')}] argmax share [${run.argmaxShare.map(f).join(', ')}] | ${metrics} | comparable ${run.comparable.map((m) => f(m.auc)).join('/')} (${run.seconds.toFixed(0)} s)\n    first-task rAU by layer: ${byLayer}`;
}

async function main(): Promise<void> {
  const [kind = 'shared-bottom', epochs = '3', seeds = '1,2,3', alternative = 'adatask'] = process.argv.slice(2);
  await selectBackend('wasm');
  const runs: DominanceRun[] = [];
  const optimizers: MultiTaskOptimizerKind[] = ['adam', alternative as MultiTaskOptimizerKind];
  for (const seed of seeds.split(',').map(Number)) {
    for (const optimizer of optimizers) {
      const run = runDominance(kind as MultiTaskKind, optimizer, seed, Number(epochs));
      runs.push(run);
      console.log(format(run));
    }
  }
  for (const optimizer of optimizers) {
    const mine = runs.filter((r) => r.optimizer === optimizer);
    const mean = (pick: (r: DominanceRun) => number) => (mine.reduce((s, r) => s + pick(r), 0) / mine.length).toFixed(3);
    console.log(
      `${optimizer} mean over ${mine.length} seeds: rAU click ${mean((r) => r.meanRau[0])}, like ${mean((r) => r.meanRau[1])}; AUC click ${mean((r) => r.test[0].auc)}, like ${mean((r) => r.test[1].auc)}`,
    );
  }
}

if (process.argv[1]?.endsWith('dominance.ts')) await main();
