/**
 * tfjs-backend-wasm's threaded-SIMD build in Node with a worker_threads pool, timed at each
 * thread count on the matrix products of one DeepFM training step (bench:floor's nine) and on
 * DeepFM training steps through the trainer (bench:train-node's model, with this project's wasm
 * kernels: Adam, Transpose, Slice, Concat over the pool's shared memory).
 *
 *   npx tsx bench/nodeWasmThreads.ts [--threads 0,1,2] [--windows 5] [--reps 7] [--steps 5]
 *
 * Thread count 0 is the single-thread SIMD build tfjs runs in Node today (no shared memory).
 *
 * The threaded module is made as `reclens train` makes it (src/cli/nodeWasmThreads.ts: tfjs 4.22
 * starts that build only in a browser). Each thread count runs in its own process; counts
 * alternate within each window, with other processes' CPU read before each window. The products'
 * bytes and the training losses must be equal at every count.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startThreadedWasm } from '../src/cli/nodeWasmThreads.ts';
import { DEFAULT_TRAIN_CONFIG } from '../src/contracts/modelConfig.ts';
import { createTrainer } from '../src/models/trainer.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { BENCH_DEEPFM_MODEL, benchDeepFmData } from './benchDeepFm.ts';
import { median } from './median.ts';
import { othersBusy } from './othersBusy.ts';
import { BENCH_DEEPFM } from './torchTrainReference.ts';

const { fields: FIELDS, dim: DIM, mlp: MLP, batch: BATCH } = BENCH_DEEPFM;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** [m, k, n] of one DeepFM step's products, as bench/matmulFloor.ts times them. */
function stepProducts(): [number, number, number][] {
  const widths = [FIELDS * DIM, ...MLP, 1];
  return widths.slice(0, -1).flatMap((fanIn, l) => {
    const fanOut = widths[l + 1];
    return [
      [BATCH, fanIn, fanOut],
      [BATCH, fanOut, fanIn],
      [fanIn, BATCH, fanOut],
    ] as [number, number, number][];
  });
}

/** DeepFM as bench:train-node trains it (1000 values a field): samples/s over `steps` steps after 2, and every loss. */
function trainDeepFm(steps: number): { samplesPerS: number; losses: number[] } {
  const data = benchDeepFmData(1000, BATCH * 4);
  const trainer = createTrainer(data, BENCH_DEEPFM_MODEL, { ...DEFAULT_TRAIN_CONFIG, batchSize: BATCH, epochs: 1000, earlyStopPatience: 0 });
  try {
    const losses = [trainer.step(), trainer.step()].map((r) => r.loss);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) losses.push(trainer.step().loss); // step() reads the loss back: the work is done
    return { samplesPerS: (steps * BATCH) / ((performance.now() - t0) / 1000), losses };
  } finally {
    trainer.dispose();
  }
}

/** One process, one thread count: the median of `reps` sums of the step's products and their bytes' hash; DeepFM training. */
async function child(threads: number, reps: number, steps: number): Promise<void> {
  await selectBackend('wasm'); // this project's wasm kernels, registered for any 'wasm' backend
  if (threads > 0) await startThreadedWasm(threads);
  const operands = stepProducts().map(
    ([m, k, n], i) => [tf.randomNormal([m, k], 0, 1, 'float32', 2 * i + 1), tf.randomNormal([k, n], 0, 1, 'float32', 2 * i + 2)] as [tf.Tensor2D, tf.Tensor2D],
  );
  const hash = createHash('sha256');
  for (const [a, b] of operands) {
    const c = tf.matMul(a, b);
    hash.update(c.dataSync() as Float32Array);
    c.dispose();
  }
  const once = () => {
    const t0 = performance.now();
    for (const [a, b] of operands) tf.matMul(a, b).dispose(); // wasm kernels run synchronously
    return performance.now() - t0;
  };
  once();
  const ms = median(Array.from({ length: reps }, once));
  tf.dispose(operands.flat());
  const train = trainDeepFm(steps);
  const losses = createHash('sha256').update(Float64Array.from(train.losses)).digest('hex').slice(0, 16);
  console.log(
    JSON.stringify({
      threads: threads > 0 ? getThreadsCount() : 0,
      ms,
      hash: hash.digest('hex').slice(0, 16),
      samplesPerS: train.samplesPerS,
      losses,
      lastLoss: train.losses.at(-1),
    }),
  );
  process.exit(0);
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return child(Number(arg('child', '1')), Number(arg('reps', '7')), Number(arg('steps', '5')));
  const counts = arg('threads', '0,1,2').split(',').map(Number);
  const windows = Number(arg('windows', '5'));
  const reps = arg('reps', '7');
  const steps = arg('steps', '5');
  const flops = stepProducts().reduce((s, [m, k, n]) => s + 2 * m * k * n, 0);
  console.log(
    `DeepFM ${FIELDS}x${DIM}, MLP ${MLP.join('-')}, batch ${BATCH}: ${stepProducts().length} products, ${(flops / 1e9).toFixed(2)} GFLOP; wasm in Node at ${counts.join(', ')} thread(s) (0: the single-thread build), ${os.cpus().length} cores`,
  );
  const ms = new Map<number, number[]>(counts.map((t) => [t, []]));
  const quietMs = new Map<number, number[]>(counts.map((t) => [t, []]));
  const sps = new Map<number, number[]>(counts.map((t) => [t, []]));
  const quietSps = new Map<number, number[]>(counts.map((t) => [t, []]));
  const hashes = new Set<string>();
  const losses = new Set<string>();
  const self = fileURLToPath(import.meta.url);
  for (let w = 0; w < windows; w++) {
    const busy = await othersBusy();
    const line: string[] = [];
    for (const t of w % 2 === 0 ? counts : [...counts].reverse()) {
      const r = JSON.parse(
        execFileSync(process.execPath, [...process.execArgv, self, '--child', String(t), '--reps', reps, '--steps', steps], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .pop()!,
      );
      if (r.threads !== t) throw new Error(`asked for ${t} thread(s), the pool has ${r.threads}`);
      ms.get(t)!.push(r.ms);
      sps.get(t)!.push(r.samplesPerS);
      if (busy < 0.3) quietMs.get(t)!.push(r.ms);
      if (busy < 0.3) quietSps.get(t)!.push(r.samplesPerS);
      hashes.add(r.hash);
      losses.add(r.losses);
      line.push(`${t} thread(s) products ${r.ms.toFixed(1)} ms, DeepFM ${r.samplesPerS.toFixed(0)} samples/s (last loss ${r.lastLoss})`);
    }
    console.log(`window ${w + 1}/${windows} (load ${os.loadavg()[0].toFixed(2)}, others ${busy.toFixed(2)} cores): ${line.join(', ')}`);
  }
  for (const [label, m, s] of [
    ['all windows', ms, sps],
    ['quiet windows (others < 0.3 cores)', quietMs, quietSps],
  ] as const)
    console.log(
      `${label}: ${counts.map((t) => (m.get(t)!.length ? `${t} thread(s) products ${median(m.get(t)!).toFixed(1)} ms (${(flops / median(m.get(t)!) / 1e6).toFixed(1)} GFLOP/s), DeepFM ${median(s.get(t)!).toFixed(0)} samples/s (${m.get(t)!.length} windows)` : `${t} thread(s) -`)).join('; ')}`,
    );
  console.log(`products bit-identical at every thread count: ${hashes.size === 1 ? 'yes' : `NO (${hashes.size} different results)`}`);
  console.log(`DeepFM losses bit-identical at every thread count: ${losses.size === 1 ? 'yes' : `NO (${losses.size} different results)`}`);
}

void main();
