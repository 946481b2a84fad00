/**
 * Multi-task training throughput: MMoE with per-task gradients (createMultiTaskTrainer's real
 * step: one forward pass, one backward pass per task over the shared parameters, AdaTask or Adam
 * decomposed per task, AU tracking) on the seeded synthetic multi-task dataset, tfjs wasm in Node next to
 * PyTorch CPU on the same model and step in the same run (bench/mtlBench.py).
 *
 * tfjs runs at 1 thread (the single-thread build tfjs starts in Node) and on a `pool`-thread pool
 * (the threaded build, as `reclens train` starts it), each in a child process of its own
 * (wasmPoolChild.ts), the two orders alternating between optimizers; each is compared with PyTorch
 * at the same thread count (the target), PyTorch on every core printed beside.
 *
 *   npx tsx bench/mtlBench.ts [--windows 5] [--window-steps 10] [--pool 2]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { generateSyntheticMtl, syntheticMtlLossWeights } from '../src/data/mtl/syntheticMtl.ts';
import type { MultiTaskOptimizerKind } from '../src/contracts/multitaskConfig.ts';
import { createMultiTaskTrainer } from '../src/models/multitask/multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG, type MultiTaskConfig } from '../src/models/multitask/types.ts';
import { median } from './median.ts';
import { blasVerdict, torchBlas, torchBlasLine } from './torchBlas.ts';
import { answerWasmChild, inWasmChild } from './wasmPoolChild.ts';

const DATA_SEED = 7;
const ROWS = 50_000;
const BATCH = 1024;
const LR = 1e-3;
const WARMUP = 3;
const OPTIMIZERS: readonly MultiTaskOptimizerKind[] = ['adatask', 'adam'];
const MODEL: MultiTaskConfig = { ...DEFAULT_MULTI_TASK_CONFIG, kind: 'mmoe', embeddingDim: 16, experts: 4, expertWidths: [64, 32], towerWidths: [32], seed: 1 };
const PYTHON = '/usr/bin/python3';
const SELF = fileURLToPath(import.meta.url);
const SCRIPT = resolve(import.meta.dirname, 'mtlBench.py');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Timing {
  /** Steps per second of each timed window. */
  windows: number[];
}

const mtlData = () => generateSyntheticMtl({ seed: DATA_SEED, rows: ROWS });

/** In a wasmPoolChild child: tfjs's steps per second on this process's wasm backend. */
function tfjsSteps({ optimizer, windows, windowSteps }: { optimizer: MultiTaskOptimizerKind; windows: number; windowSteps: number }): Timing {
  const data = mtlData();
  const trainer = createMultiTaskTrainer(data, MODEL, { optimizer, lr: LR, batchSize: BATCH, seed: 1, taskLossWeights: syntheticMtlLossWeights({}) });
  try {
    for (let i = 0; i < WARMUP; i++) trainer.step();
    const rates: number[] = [];
    for (let w = 0; w < windows; w++) {
      const t0 = performance.now();
      for (let i = 0; i < windowSteps; i++) trainer.step(); // step() reads losses, grads and updates back
      rates.push(windowSteps / ((performance.now() - t0) / 1000));
    }
    return { windows: rates };
  } finally {
    trainer.dispose();
  }
}

/** { error } with the reason when PyTorch (or python3) is unavailable. */
function torchSteps(
  data: CtrDataset,
  optimizer: MultiTaskOptimizerKind,
  windows: number,
  windowSteps: number,
  threads: number,
): { timing: Timing; threads: number } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtl-bench-'));
  const file = join(dir, 'train.bin');
  const train = data.train;
  try {
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(train.indices.buffer, train.indices.byteOffset, train.indices.byteLength),
        Buffer.from(train.labels.buffer, train.labels.byteOffset, train.labels.byteLength),
      ]),
    );
    const cfg = {
      rows: train.rows,
      cardinalities: data.fields.map((f) => f.cardinality),
      loss_weights: syntheticMtlLossWeights({}),
      dim: MODEL.embeddingDim,
      experts: MODEL.experts,
      expert_widths: MODEL.expertWidths,
      tower_widths: MODEL.towerWidths,
      optimizer,
      lr: LR,
      batch: BATCH,
      seed: 1,
      warmup: WARMUP,
      windows,
      steps_per_window: windowSteps,
      threads,
    };
    const out = JSON.parse(
      execFileSync(PYTHON, [SCRIPT, JSON.stringify(cfg), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')
        .pop()!,
    );
    return { timing: { windows: out.steps_per_s }, threads: out.threads };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').pop();
    return { error: stderr || (error as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number) => x.toFixed(2);
const spread = (t: Timing) => `${fmt(Math.min(...t.windows))}-${fmt(Math.max(...t.windows))}`;
const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;

async function main(): Promise<void> {
  if (await answerWasmChild(tfjsSteps)) return;
  const windows = arg('windows', 5);
  const windowSteps = arg('window-steps', 10);
  const tfjsThreads = [...new Set([1, arg('pool', 2)])];
  const data = mtlData();
  const torchThreads = [...new Set([...tfjsThreads, availableParallelism()])].sort((a, b) => a - b);
  const threads = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;
  console.log(
    `MMoE on ${data.name} (train ${data.train.rows} rows, ${data.fields.length} fields, tasks ${data.tasks.join('/')}): dim ${MODEL.embeddingDim}, ` +
      `${MODEL.experts} experts ${MODEL.expertWidths.join('-')}, towers ${MODEL.towerWidths.join('-')}, batch ${BATCH}; ` +
      `per-task gradients (one forward, ${data.tasks.length} backward passes per step) + AU tracking; ` +
      `${WARMUP} warm-up steps, median of ${windows} windows x ${windowSteps} steps; tfjs wasm at ${tfjsThreads.map(threads).join(' and ')}; ${load()}`,
  );
  console.log('| optimizer | runtime | steps/s (median) | window range | samples/s | this / PyTorch at the same threads | load (1 min) |');
  console.log('|---|---|---|---|---|---|---|');
  const verdicts: string[] = [];
  for (const [k, optimizer] of OPTIMIZERS.entries()) {
    const order = k % 2 === 0 ? tfjsThreads : [...tfjsThreads].reverse();
    const tfjs = new Map(order.map((n) => [n, inWasmChild<Timing>(SELF, n, { optimizer, windows, windowSteps })]));
    const torch = new Map(torchThreads.map((n) => [n, torchSteps(data, optimizer, windows, windowSteps, n)]));
    const load1 = () => loadavg()[0].toFixed(2);
    for (const n of tfjsThreads) {
      const t = median(tfjs.get(n)!.windows);
      const same = torch.get(n)!;
      const base = 'timing' in same ? median(same.timing.windows) : NaN;
      const ratio = Number.isFinite(base) ? `${fmt(t / base)}x` : 'n/a';
      const build = n > 1 ? 'threaded build' : 'single-thread build';
      console.log(
        `| ${optimizer} | tfjs wasm (Node, ${threads(n)}, ${build}) | ${fmt(t)} | ${spread(tfjs.get(n)!)} | ${(t * BATCH).toFixed(0)} | ${ratio} | ${load1()} |`,
      );
      if (Number.isFinite(base))
        verdicts.push(`${optimizer}: tfjs wasm / PyTorch CPU, same threads (${n}): ${fmt(t / base)}x, target >= 1.0x: ${t >= base ? 'MET' : 'NOT MET'}`);
    }
    for (const [n, result] of torch) {
      if ('timing' in result) {
        const p = median(result.timing.windows);
        console.log(
          `| ${optimizer} | PyTorch CPU (${result.threads} thread(s)) | ${fmt(p)} | ${spread(result.timing)} | ${(p * BATCH).toFixed(0)} | | ${load1()} |`,
        );
      } else console.log(`| ${optimizer} | PyTorch CPU (${n} thread(s)) | skipped: ${result.error} | | | | |`);
    }
  }
  const blas = torchBlas();
  console.log(torchBlasLine(blas));
  for (const v of verdicts) console.log(blasVerdict(v, blas));
  console.log(load());
}

void main();
