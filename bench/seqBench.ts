/**
 * Sequence-model training throughput at history 200: TWIN and DARE (createSequenceTrainer's real
 * step: the timed search stage off the tape, target attention over the top-k, Adam) in tfjs wasm
 * (Node, one thread) next to the same models and step in PyTorch CPU (bench/seqBench.py), in the
 * same run on the same padded samples. Prints the load average before and after: on a loaded
 * machine the ratios are not the runtimes' own, so read them on an idle one.
 *
 *   npx tsx bench/seqBench.ts [--windows 5] [--window-steps 10] [--batch 256] [--history 200] [--topk 20]
 *     [--dim 16] [--attention-dims 8,4] [--users 1000] [--backend wasm|cpu]
 *
 * DARE runs once per attention dim (default dim / 2 and dim / 4): the search stage's time per batch
 * against TWIN's is the attention-dim sweep's speed-up.
 *
 * Data: the seeded synthetic generator (src/data/sequence/syntheticSequences.ts, seed 5), histories
 * of history/2 to history behaviours.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SequenceDataset, SequenceTrainSettings } from '../src/contracts/sequence.ts';
import { gatherBatch } from '../src/models/sequence/sequenceBatch.ts';
import { DEFAULT_SEQUENCE_HIDDEN } from '../src/models/sequence/sequenceModel.ts';
import { createSequenceTrainer } from '../src/models/sequence/sequenceTrainer.ts';
import { generateSyntheticSequences } from '../src/data/sequence/syntheticSequences.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { median } from './median.ts';

const WARMUP = 3;
const LR = 1e-3;
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, 'seqBench.py');

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

async function main(): Promise<void> {
  const windows = arg('windows', 5);
  const windowSteps = arg('window-steps', 10);
  const L = arg('history', 200);
  const backend = process.argv.includes('--backend') ? (process.argv[process.argv.indexOf('--backend') + 1] as 'wasm' | 'cpu') : 'wasm';
  const base = { dim: arg('dim', 16), topK: arg('topk', 20), historyLength: L, lr: LR, batchSize: arg('batch', 256), epochs: 1, seed: 1 };
  const i = process.argv.indexOf('--attention-dims');
  const attentionDims = i >= 0 ? process.argv[i + 1].split(',').map(Number) : [base.dim / 2, base.dim / 4];
  const data = generateSyntheticSequences({ seed: 5, users: arg('users', 1000), minHistory: L / 2, maxHistory: L, testPercent: 1 }).dataset;
  await selectBackend(backend);
  console.log(`load average before (1/5/15 min): ${load()}`);
  console.log(
    `TWIN and DARE on ${data.source} (train ${data.train.count} samples, ${data.itemVocabulary - 1} items, ${data.categoryVocabulary - 1} categories, ` +
      `histories ${L / 2}-${L}, mean ${(data.train.histOffsets[data.train.count] / data.train.count).toFixed(0)}): history ${L}, top-k ${base.topK}, dim ${base.dim} (DARE attention dims ${attentionDims.join(', ')}), head ${DEFAULT_SEQUENCE_HIDDEN.join('-')}, ` +
      `batch ${base.batchSize}; ${WARMUP} warm-up steps, median of ${windows} windows x ${windowSteps} steps`,
  );
  console.log('| model | runtime | samples/s (median) | window range | search ms/batch (median) | tfjs / PyTorch |');
  console.log('|---|---|---|---|---|---|');
  const dir = mkdtempSync(join(tmpdir(), 'seq-bench-'));
  const file = join(dir, 'train.bin');
  try {
    writeFileSync(file, paddedTrain(data, L));
    const runs: SequenceTrainSettings[] = [
      { ...base, model: 'twin', attentionDim: base.dim },
      ...attentionDims.map((a): SequenceTrainSettings => ({ ...base, model: 'dare', attentionDim: a })),
    ];
    for (const settings of runs) {
      const kind = settings.model === 'dare' ? `dare (attention dim ${settings.attentionDim})` : settings.model;
      const tfjs = tfjsRun(data, settings, windows, windowSteps);
      const torch = torchRun(data, file, settings, windows, windowSteps);
      const t = median(tfjs.windows);
      const ratio = 'timing' in torch ? `${fmt(t / median(torch.timing.windows), 2)}x` : 'n/a';
      console.log(`| ${kind} | tfjs ${backend} (Node, 1 thread) | ${fmt(t)} | ${spread(tfjs)} | ${fmt(median(tfjs.searchMs), 2)} | ${ratio} |`);
      if ('timing' in torch) {
        const p = median(torch.timing.windows);
        console.log(
          `| ${kind} | PyTorch CPU (${torch.threads} thread(s)) | ${fmt(p)} | ${spread(torch.timing)} | ${fmt(median(torch.timing.searchMs), 2)} | 1.00x |`,
        );
      } else {
        console.log(`| ${kind} | PyTorch CPU | skipped: ${torch.error} | | | |`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average after (1/5/15 min): ${load()}`);
  console.log("Ratios measured with a load average near or above the core count are not the runtimes' own: rerun on an idle machine before quoting them.");
}

void main();
