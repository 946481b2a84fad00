/**
 * CPU time of lessons 4 and 5's live parts in Node (tfjs wasm, one thread), which a loaded machine
 * inflates far less than wall-clock time: lesson 4's Adam and AdaTask arms, lesson 5's conflict
 * measure and its training run, each with the snapshots and evaluations the Multi-task worker
 * takes (dominance, gradient cosine and entanglement every steps/40, test metrics every steps/5).
 *   npx tsx experiments/lessonCpuTime.ts [seed=1]
 */
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { createMultiTaskTrainer } from '../src/models/multitask/multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG } from '../src/models/multitask/types.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { loadBuiltinDataset } from './builtinDataset.ts';
import { measureEntanglement, type MtlSetup } from './effects.ts';
import { LIVE } from './effectSettings.ts';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function timed(label: string, run: () => string): void {
  const c0 = cpu();
  const w0 = performance.now();
  const note = run();
  console.log(`${label}: ${(cpu() - c0).toFixed(1)} s CPU, ${((performance.now() - w0) / 1000).toFixed(1)} s wall${note ? ` (${note})` : ''}`);
}

/** Both arms as the worker steps them, with its snapshot and evaluation cadence (multitaskController.ts). */
function trainBoth(data: CtrDataset, setup: MtlSetup, seed: number): string {
  const config = { ...DEFAULT_MULTI_TASK_CONFIG, kind: setup.kind, seed };
  const options = { lr: setup.lr, batchSize: setup.batchSize, beta: setup.beta, seed };
  const arms = [
    createMultiTaskTrainer(data, config, { ...options, optimizer: 'adam' }),
    createMultiTaskTrainer(data, config, { ...options, optimizer: setup.alternative }),
  ];
  const every = Math.max(1, Math.round(setup.steps / 40));
  const evalEvery = Math.max(5, Math.round(setup.steps / 5));
  try {
    for (let s = 1; s <= setup.steps; s++) {
      for (const a of arms) {
        a.step();
        if (s % every === 0) {
          a.dominance();
          a.gradientConflict();
          a.gradientEntanglement();
        }
        if (s % evalEvery === 0) {
          a.evaluate(data.test);
          a.evaluate(data.test, { comparableOnly: true });
        }
      }
    }
    return `${setup.steps} steps of Adam and ${setup.alternative}`;
  } finally {
    for (const a of arms) a.dispose();
  }
}

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  await selectBackend('wasm');
  const dominance = LIVE.dominance();
  const conflict = LIVE.entanglement();
  const small = loadBuiltinDataset(dominance.dataset).data;
  const conflicting = loadBuiltinDataset(conflict.dataset).data;
  // One untimed step first: the wasm kernels' first use is not part of a lesson's steady cost.
  trainBoth(small, { ...dominance.setup, steps: 1 }, seed);
  timed(`lesson 4, ${dominance.dataset}`, () => trainBoth(small, dominance.setup, seed));
  timed(`lesson 5 measure, ${conflict.dataset}`, () => {
    const r = measureEntanglement(conflicting, { ...conflict.setup, steps: conflict.conflictSteps }, seed);
    return `5 models x ${conflict.conflictSteps} steps, STEM separates ${(100 * r.separated.stem).toFixed(1)} %`;
  });
  timed(`lesson 5 training, ${conflict.dataset}`, () => trainBoth(conflicting, conflict.setup, seed));
}

if (process.argv[1]?.endsWith('lessonCpuTime.ts')) await main();
