/**
 * Sequence-model training throughput at history 200: TWIN and DARE (createSequenceTrainer's real
 * step: the timed search stage off the tape, target attention over the top-k, Adam) in tfjs wasm
 * (Node) at 1 thread and on a `pool`-thread pool next to the same models and step in PyTorch CPU
 * (bench/seqBench.py) at the same thread counts and at every core, in the same run on the same
 * padded samples.
 *
 *   npx tsx bench/seqBench.ts [--windows 5] [--rounds 2] [--window-steps 10] [--batch 256] [--history 200]
 *     [--topk 20] [--dim 16] [--attention-dims 8,4] [--users 1000] [--backend wasm|cpu] [--pool 2]
 *
 * Fairness: every run starts fresh with its own warm-up steps; the runs go round `rounds` times,
 * the order reversed each round (so no model always runs first, or after the others have grown
 * the heap), and each median pools the windows of all rounds. tfjs wasm runs each thread count in
 * a child process of its own (wasmPoolChild.ts): 1 thread is the single-thread build tfjs starts
 * in Node, `pool` threads the threaded build on a worker_threads pool as `reclens train` starts
 * it; the counts' order alternates with the rounds. Each is judged against PyTorch at the same
 * thread count; PyTorch at every core is printed beside. (--backend cpu: tfjs cpu, in this
 * process, one row.) Before every run the bench waits 1 s and
 * reads how much CPU other processes used (/proc/stat); the ratios are judged MET / NOT MET only
 * when every run started with other processes under 0.3 cores. The load average is printed too.
 *
 * DARE runs once per attention dim (default dim / 2 and dim / 4): its search-stage time per batch
 * against TWIN's (printed as a speed-up) is the attention-dim sweep's search cost.
 *
 * Data: the seeded synthetic generator (src/data/sequence/syntheticSequences.ts, seed 5), histories
 * of history/2 to history behaviours.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SequenceDataset, SequenceTrainSettings } from '../src/contracts/sequence.ts';
import { gatherBatch } from '../src/models/sequence/sequenceBatch.ts';
import { DEFAULT_SEQUENCE_HIDDEN } from '../src/models/sequence/sequenceModel.ts';
import { createSequenceTrainer } from '../src/models/sequence/sequenceTrainer.ts';
import { generateSyntheticSequences } from '../src/data/sequence/syntheticSequences.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { median } from './median.ts';
import { blasVerdict, torchBlas, torchBlasLine } from './torchBlas.ts';
import { othersBusy } from './othersBusy.ts';
import { answerWasmChild, inWasmChild } from './wasmPoolChild.ts';

const WARMUP = 3;
const LR = 1e-3;
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, 'seqBench.py');
const SELF = fileURLToPath(import.meta.url);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Timing {
  /** Samples per second of each timed window. */
  windows: number[];
  /** Mean search-stage time per batch of each window (ms). */
  searchMs: number[];
}

/** The seeded synthetic data of --users users, histories of history / 2 to history behaviours. */
const sequenceData = (users: number, history: number) =>
  generateSyntheticSequences({ seed: 5, users, minHistory: history / 2, maxHistory: history, testPercent: 1 }).dataset;

interface TfjsJob {
  settings: SequenceTrainSettings;
  windows: number;
  windowSteps: number;
  users: number;
}

function tfjsRun(data: SequenceDataset, settings: SequenceTrainSettings, windows: number, windowSteps: number): Timing {
  const trainer = createSequenceTrainer(data, settings);
  try {
    for (let i = 0; i < WARMUP; i++) trainer.step();
    const out: Timing = { windows: [], searchMs: [] };
    for (let w = 0; w < windows; w++) {
      let search = 0;
      const t0 = performance.now();
      for (let i = 0; i < windowSteps; i++) search += trainer.step().searchMs; // step() reads its loss back
      out.windows.push((windowSteps * settings.batchSize) / ((performance.now() - t0) / 1000));
      out.searchMs.push(search / windowSteps);
    }
    return out;
  } finally {
    trainer.dispose();
  }
}

/** The train split padded as the models see it, in seqBench.py's layout. */
function paddedTrain(data: SequenceDataset, L: number): Buffer {
  const n = data.train.count;
  const b = gatherBatch(data.train, L, null, 0, n);
  const ints = new Int32Array(n * (2 + 2 * L));
  for (let r = 0; r < n; r++) {
    const row = r * (2 + 2 * L);
    ints[row] = b.targetItems[r];
    ints[row + 1] = b.targetCategories[r];
    ints.set(b.histItems.subarray(r * L, (r + 1) * L), row + 2);
    ints.set(b.histCategories.subarray(r * L, (r + 1) * L), row + 2 + L);
  }
  return Buffer.concat([Buffer.from(ints.buffer), Buffer.from(b.labels.buffer)]);
}

/** { error } with the reason when PyTorch (or python3) is unavailable. */
function torchRun(
  data: SequenceDataset,
  file: string,
  settings: SequenceTrainSettings,
  windows: number,
  windowSteps: number,
  threads: number,
): { timing: Timing; threads: number } | { error: string } {
  const cfg = {
    kind: settings.model,
    rows: data.train.count,
    history: settings.historyLength,
    items: data.itemVocabulary,
    categories: data.categoryVocabulary,
    dim: settings.dim,
    attention_dim: settings.attentionDim,
    top_k: settings.topK,
    hidden: DEFAULT_SEQUENCE_HIDDEN,
    lr: settings.lr,
    batch: settings.batchSize,
    seed: settings.seed,
    warmup: WARMUP,
    windows,
    steps_per_window: windowSteps,
    threads,
  };
  try {
    const out = JSON.parse(
      execFileSync(PYTHON, [SCRIPT, JSON.stringify(cfg), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')
        .pop()!,
    );
    return { timing: { windows: out.samples_per_s, searchMs: out.search_ms }, threads: out.threads };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').pop();
    return { error: stderr || (error as Error).message };
  }
}

const fmt = (x: number, digits = 0) => x.toFixed(digits);
const spread = (t: Timing) => `${fmt(Math.min(...t.windows))}-${fmt(Math.max(...t.windows))}`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

interface Run {
  label: string;
  settings: SequenceTrainSettings;
  /** tfjs at each thread count. */
  tfjs: Map<number, Timing>;
  /** PyTorch at tfjs's thread counts and at every core. */
  torch: Map<number, { timing: Timing } | { error: string }>;
}

const pooled = (into: Timing, t: Timing) => {
  into.windows.push(...t.windows);
  into.searchMs.push(...t.searchMs);
};
/** Cores' worth of CPU other processes may use before a run for the ratios to be judged. */
const BUSY_LIMIT = 0.3;
const verdict = (ratio: number, loaded: boolean) =>
  loaded ? `not judged (other processes used over ${BUSY_LIMIT} cores before some run)` : `target >= 1.0x ${ratio >= 1 ? 'MET' : 'NOT MET'}`;

const threadsLabel = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;

async function main(): Promise<void> {
  if (await answerWasmChild((job: TfjsJob) => tfjsRun(sequenceData(job.users, job.settings.historyLength), job.settings, job.windows, job.windowSteps))) return;
  const windows = arg('windows', 5);
  const rounds = arg('rounds', 2);
  const windowSteps = arg('window-steps', 10);
  const L = arg('history', 200);
  const backend = process.argv.includes('--backend') ? (process.argv[process.argv.indexOf('--backend') + 1] as 'wasm' | 'cpu') : 'wasm';
  const base = { dim: arg('dim', 16), topK: arg('topk', 20), historyLength: L, lr: LR, batchSize: arg('batch', 256), epochs: 1, seed: 1 };
  const i = process.argv.indexOf('--attention-dims');
  const attentionDims = i >= 0 ? process.argv[i + 1].split(',').map(Number) : [base.dim / 2, base.dim / 4];
  const users = arg('users', 1000);
  const data = sequenceData(users, L);
  const cores = availableParallelism();
  // wasm at 1 thread and on the pool, each in a child process; cpu in this process.
  const tfjsThreads = backend === 'wasm' ? [...new Set([1, arg('pool', 2)])] : [1];
  const threadCounts = [...new Set([...tfjsThreads, cores])].sort((a, b) => a - b);
  if (backend === 'cpu') await selectBackend(backend);
  console.log(`load average before (1/5/15 min): ${load()}`);
  // Cores' worth of CPU other processes used in the second before each run: the ratios are judged
  // only when every run started under BUSY_LIMIT (the load average counts this bench's own threads).
  let busiest = 0;
  const waitAndSample = async () => {
    const busy = await othersBusy(1000);
    busiest = Number.isNaN(busy) ? Infinity : Math.max(busiest, busy);
  };
  console.log(
    `TWIN and DARE on ${data.source} (train ${data.train.count} samples, ${data.itemVocabulary - 1} items, ${data.categoryVocabulary - 1} categories, ` +
      `histories ${L / 2}-${L}, mean ${(data.train.histOffsets[data.train.count] / data.train.count).toFixed(0)}): history ${L}, top-k ${base.topK}, dim ${base.dim} (DARE attention dims ${attentionDims.join(', ')}), head ${DEFAULT_SEQUENCE_HIDDEN.join('-')}, ` +
      `batch ${base.batchSize}; each run ${WARMUP} warm-up steps then ${windows} windows x ${windowSteps} steps, ${rounds} rounds in alternating order: medians of ${windows * rounds} windows`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'seq-bench-'));
  const file = join(dir, 'train.bin');
  const runs: Run[] = [
    { ...base, model: 'twin' as const, attentionDim: base.dim },
    ...attentionDims.map((a): SequenceTrainSettings => ({ ...base, model: 'dare', attentionDim: a })),
  ].map((settings) => ({
    label: settings.model === 'dare' ? `dare (attention dim ${settings.attentionDim})` : settings.model,
    settings,
    tfjs: new Map(tfjsThreads.map((n) => [n, { windows: [], searchMs: [] }])),
    torch: new Map(),
  }));
  try {
    writeFileSync(file, paddedTrain(data, L));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) {
        for (const n of round % 2 === 0 ? tfjsThreads : [...tfjsThreads].reverse()) {
          await waitAndSample();
          const job: TfjsJob = { settings: run.settings, windows, windowSteps, users };
          pooled(run.tfjs.get(n)!, backend === 'wasm' ? inWasmChild<Timing>(SELF, n, job) : tfjsRun(data, run.settings, windows, windowSteps));
        }
        for (const threads of threadCounts) {
          await waitAndSample();
          const t = torchRun(data, file, run.settings, windows, windowSteps, threads);
          const seen = run.torch.get(threads);
          if ('error' in t) run.torch.set(threads, { error: t.error });
          else if (!seen) run.torch.set(threads, { timing: t.timing });
          else if ('timing' in seen) pooled(seen.timing, t.timing);
        }
      }
      console.log(`load average after round ${round + 1} (1/5/15 min): ${load()}; other processes used up to ${fmt(busiest, 2)} cores before a run`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| model | runtime | samples/s (median) | window range | search ms/batch (median) | tfjs / PyTorch at the same threads |');
  console.log('|---|---|---|---|---|---|');
  const torchMedian = (run: Run, threads: number) => {
    const torch = run.torch.get(threads);
    return torch && 'timing' in torch ? median(torch.timing.windows) : NaN;
  };
  for (const run of runs) {
    for (const [n, timing] of run.tfjs) {
      const t = median(timing.windows);
      const p = torchMedian(run, n);
      const build = backend === 'wasm' ? (n > 1 ? ', threaded build' : ', single-thread build') : '';
      console.log(
        `| ${run.label} | tfjs ${backend} (Node, ${threadsLabel(n)}${build}) | ${fmt(t)} | ${spread(timing)} | ${fmt(median(timing.searchMs), 2)} | ${Number.isFinite(p) ? `${fmt(t / p, 2)}x` : 'n/a'} |`,
      );
    }
    for (const threads of threadCounts) {
      const torch = run.torch.get(threads)!;
      if ('timing' in torch) {
        const p = median(torch.timing.windows);
        console.log(
          `| ${run.label} | PyTorch CPU (${threadsLabel(threads)}) | ${fmt(p)} | ${spread(torch.timing)} | ${fmt(median(torch.timing.searchMs), 2)} | |`,
        );
      } else {
        console.log(`| ${run.label} | PyTorch CPU (${threadsLabel(threads)}) | skipped: ${torch.error} | | | |`);
      }
    }
  }
  console.log('');
  const blas = torchBlas();
  console.log(torchBlasLine(blas));
  for (const run of runs) {
    for (const [n, timing] of run.tfjs) {
      const t = median(timing.windows);
      const parts = threadCounts.map((threads) => {
        const p = torchMedian(run, threads);
        if (!Number.isFinite(p)) return `against PyTorch ${threadsLabel(threads)}: n/a`;
        return `against PyTorch ${threadsLabel(threads)}${threads === n ? ' (same threads)' : ''}: ${fmt(t / p, 2)}x, ${verdict(t / p, !(busiest <= BUSY_LIMIT))}`;
      });
      console.log(blasVerdict(`${run.label}: tfjs ${backend} ${threadsLabel(n)} ${parts.join('; ')}`, blas));
    }
  }
  const twin = runs[0];
  const sweep = (name: string, search: (r: Run) => number[] | null) => {
    const ref = search(twin);
    if (!ref) return;
    const parts = runs.slice(1).map((r) => {
      const s = search(r);
      return s ? `attention dim ${r.settings.attentionDim}: ${fmt(median(s), 2)} ms (speed-up ${fmt(median(ref) / median(s), 2)}x)` : '';
    });
    console.log(`search stage, ${name}: TWIN (dim ${base.dim}) ${fmt(median(ref), 2)} ms/batch; DARE ${parts.join(', ')}`);
  };
  for (const n of tfjsThreads) sweep(`tfjs ${backend} ${threadsLabel(n)}`, (r) => r.tfjs.get(n)!.searchMs);
  for (const threads of threadCounts) {
    sweep(`PyTorch ${threadsLabel(threads)}`, (r) => {
      const t = r.torch.get(threads)!;
      return 'timing' in t ? t.timing.searchMs : null;
    });
  }
  console.log(`load average after (1/5/15 min): ${load()}`);
  console.log("Ratios measured with a load average near or above the core count are not the runtimes' own: rerun on an idle machine before quoting them.");
}

void main();
