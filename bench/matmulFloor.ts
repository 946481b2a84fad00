/**
 * The floor under bench:train's ratio: how long the matrix products of one DeepFM training step
 * (26 fields x dim 16, MLP 400-400, batch 1024) take on tfjs-backend-wasm's fastest path
 * (XNNPACK, no transpose flags, as src/models/affine.ts calls them), against PyTorch CPU's whole
 * step on the same model (bench/trainBench.py), both on one thread, in the same run.
 *
 *   npx tsx bench/matmulFloor.ts [--runs 5] [--reps 7]
 *
 * If the products alone take longer than PyTorch's whole step, no work outside them can bring
 * tfjs wasm to 1.0x on this CPU: the bound printed is PyTorch's step / tfjs's products. The
 * products are also timed in PyTorch, to show where the gap comes from (its BLAS uses the CPU's
 * widest vectors; wasm SIMD is 128 bits wide).
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { selectBackend } from '../test/support/testBackend.ts';
import { median } from './median.ts';
import { othersBusy } from './othersBusy.ts';
import { BENCH_DEEPFM, torchDeepFmSamplesPerSecond } from './torchTrainReference.ts';
import { blasVerdict, torchBlas, torchBlasLine } from './torchBlas.ts';

const { fields: FIELDS, dim: DIM, mlp: MLP, batch: BATCH } = BENCH_DEEPFM;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** [m, k, n]: one m x k by k x n product. Forward x W; backward dy W^T and x^T dy (explicit transposes). */
function stepProducts(): [number, number, number][] {
  const widths = [FIELDS * DIM, ...MLP, 1];
  const out: [number, number, number][] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l], widths[l + 1]];
    out.push([BATCH, fanIn, fanOut]); // forward
    out.push([BATCH, fanOut, fanIn]); // input gradient (the first layer's feeds the embeddings)
    out.push([fanIn, BATCH, fanOut]); // weight gradient
  }
  return out;
}

/** Milliseconds of all of one step's products on tfjs wasm: the median over `reps` of their sum. */
function tfjsProductsMs(reps: number): number {
  const operands = stepProducts().map(([m, k, n]) => [tf.randomNormal([m, k]), tf.randomNormal([k, n])] as [tf.Tensor2D, tf.Tensor2D]);
  const once = () => {
    const t0 = performance.now();
    for (const [a, b] of operands) tf.matMul(a, b).dispose(); // wasm kernels run synchronously
    return performance.now() - t0;
  };
  once();
  const times = Array.from({ length: reps }, once);
  tf.dispose(operands.flat());
  return median(times);
}

/** The same products in PyTorch on one thread (median over reps of their sum), in ms. */
function torchProductsMs(reps: number): number {
  const script = `
import json, sys, time, torch
torch.set_num_threads(1)
shapes = json.loads(sys.argv[1]); reps = int(sys.argv[2])
ops = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in shapes]
def once():
    t = time.perf_counter()
    for a, b in ops: a @ b
    return (time.perf_counter() - t) * 1000
once()
ts = sorted(once() for _ in range(reps))
print(ts[len(ts) // 2])`;
  return Number(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(stepProducts()), String(reps)], { encoding: 'utf8' }).trim());
}

function torchStepMs(): number {
  const r = torchDeepFmSamplesPerSecond({ cardinality: 1000, warmup: 2, steps: 20, threads: 1 });
  return (BATCH / r.samplesPerS) * 1000;
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const reps = arg('reps', 7);
  await selectBackend('wasm');
  const flops = stepProducts().reduce((s, [m, k, n]) => s + 2 * m * k * n, 0);
  console.log(
    `DeepFM ${FIELDS}x${DIM}, MLP ${MLP.join('-')}, batch ${BATCH}: ${stepProducts().length} products, ${(flops / 1e9).toFixed(2)} GFLOP per step; one thread each`,
  );
  const tfjs: number[] = [];
  const torchProducts: number[] = [];
  const torchStep: number[] = [];
  let quiet = true;
  for (let r = 0; r < runs; r++) {
    const busy = await othersBusy();
    quiet &&= !(busy > 0.3);
    tfjs.push(tfjsProductsMs(reps));
    torchProducts.push(torchProductsMs(reps));
    torchStep.push(torchStepMs());
    const load = loadavg()[0].toFixed(2);
    console.log(
      `run ${r + 1}/${runs} (load ${load}, others ${busy.toFixed(2)} cores): tfjs wasm products ${tfjs[r].toFixed(1)} ms, PyTorch products ${torchProducts[r].toFixed(1)} ms, PyTorch whole step ${torchStep[r].toFixed(1)} ms`,
    );
  }
  const [p, q, s] = [median(tfjs), median(torchProducts), median(torchStep)];
  console.log(
    `medians of ${runs}: tfjs wasm products ${p.toFixed(1)} ms (${(flops / p / 1e6).toFixed(1)} GFLOP/s), PyTorch products ${q.toFixed(1)} ms (${(flops / q / 1e6).toFixed(1)} GFLOP/s), PyTorch whole step ${s.toFixed(1)} ms`,
  );
  const blas = torchBlas();
  console.log(torchBlasLine(blas));
  console.log(
    blasVerdict(
      `bound on bench:train's same-threads ratio from the products alone: ${(s / p).toFixed(2)}x${s / p < 1 ? ' (< 1.0x: unreachable on wasm on this CPU)' : ''}${quiet ? '' : ' (NOT a quiet machine: other processes used > 0.3 cores)'}`,
      blas,
    ),
  );
}

void main();
