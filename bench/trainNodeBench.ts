/**
 * Training throughput of DeepFM (26 fields x dim 16, MLP 400-400, batch 1024) with this module's
 * trainer on each tfjs backend that runs in Node (cpu, wasm), next to PyTorch CPU on the same
 * model in the same run (/usr/bin/python3 bench/trainBench.py).
 *
 *   npm run bench:train-node -- [--cardinality 1000] [--steps 5]
 */
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { createTrainer } from '../src/models/trainer.ts';
import { DEFAULT_TRAIN_CONFIG } from '../src/contracts/modelConfig.ts';
import { BENCH_DEEPFM, torchDeepFmSamplesPerSecond } from './torchTrainReference.ts';
import { BENCH_DEEPFM_MODEL, benchDeepFmData } from './benchDeepFm.ts';

const { fields: FIELDS, dim: DIM, mlp: MLP, batch: BATCH } = BENCH_DEEPFM;
const WARMUP = 2;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function tfjsSamplesPerSecond(backend: 'cpu' | 'wasm', data: CtrDataset, steps: number): Promise<number> {
  await selectBackend(backend);
  const trainer = createTrainer(data, BENCH_DEEPFM_MODEL, { ...DEFAULT_TRAIN_CONFIG, batchSize: BATCH, epochs: 1000, earlyStopPatience: 0 });
  try {
    for (let i = 0; i < WARMUP; i++) trainer.step();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) trainer.step(); // step() reads the loss back: the work is done
    return (steps * BATCH) / ((performance.now() - t0) / 1000);
  } finally {
    trainer.dispose();
  }
}

function torchSamplesPerSecond(cardinality: number, steps: number): { samplesPerS: number; threads: number } {
  // One thread, like tfjs-backend-wasm in Node (testBackend turns its threads off).
  return torchDeepFmSamplesPerSecond({ cardinality, warmup: WARMUP, steps, threads: 1 });
}

async function main(): Promise<void> {
  const cardinality = arg('cardinality', 1000);
  const steps = arg('steps', 5);
  const data = benchDeepFmData(cardinality, BATCH * 4);
  console.log(`DeepFM ${FIELDS} fields x ${cardinality} rows x dim ${DIM}, MLP ${MLP.join('-')}, batch ${BATCH}, ${steps} timed steps after ${WARMUP}`);
  const torch = torchSamplesPerSecond(cardinality, Math.max(steps, 10));
  console.log(`| runtime | samples/s | steps/s | PyTorch / this |`);
  console.log(`|---|---|---|---|`);
  for (const backend of ['wasm', 'cpu'] as const) {
    try {
      const sps = await tfjsSamplesPerSecond(backend, data, steps);
      console.log(`| tfjs ${backend} (Node) | ${sps.toFixed(0)} | ${(sps / BATCH).toFixed(2)} | ${(torch.samplesPerS / sps).toFixed(1)}x |`);
    } catch (error) {
      console.log(`| tfjs ${backend} (Node) | unavailable: ${(error as Error).message} | | |`);
    }
  }
  console.log(`| PyTorch CPU, ${torch.threads} thread(s) | ${torch.samplesPerS.toFixed(0)} | ${(torch.samplesPerS / BATCH).toFixed(2)} | 1.0x |`);
}

void main();
