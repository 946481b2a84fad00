/**
 * The floor under bench:train's ratio: how long the matrix products of one DeepFM training step
 * (26 fields x dim 16, MLP 400-400, batch 1024) take on tfjs-backend-wasm as src/models/affine.ts
 * runs them (engine/gemmKernel.ts: x W + b, dy W^T and x^T dy with the transposed operands read in
 * place), against PyTorch CPU's whole step on the same model (bench/trainBench.py), both on one
 * thread, in the same run. The path affine.ts took before (explicit transposes, then XNNPACK's
 * matMul) is timed alongside, alternating with the GEMM, for the ratio between the two.
 *
 * Tried for the GEMM and left out (one process, alternating windows, 2-core Zen 4 under load): 6-row
 * register blocks (V8 spills them: 0.7x XNNPACK), the k loop unrolled by 2 or 4 (~0.6x the loop one step at a time), and a
 * sparse-left product for the ReLU-and-dropout input of the second layer (~60% zeros; per-row
 * lists of nonzeros, 32-column blocks): 16.6 vs 10.0 ms (1024x400x400) and 26.1 vs 11.5 ms
 * (x^T dy, 400x1024x400) against the dense GEMM, 4-6 ms of it building the lists in JS, and the
 * product alone no faster than dense. Relaxed SIMD's fused multiply-add would change the bits
 * (and Node 20 validates it only behind --experimental-wasm-relaxed-simd).
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
import { gemm, gemmComposed, type GemmOptions } from '../src/engine/gemmKernel.ts';
import { median } from './median.ts';
import { othersBusy } from './othersBusy.ts';
import { BENCH_DEEPFM, torchDeepFmSamplesPerSecond } from './torchTrainReference.ts';
import { blasVerdict, torchBlas, torchBlasLine } from './torchBlas.ts';

const { fields: FIELDS, dim: DIM, mlp: MLP, batch: BATCH } = BENCH_DEEPFM;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One m x k by k x n product as affine.ts asks for it: which operand is read transposed, and a bias. */
interface Product {
  mkn: [number, number, number];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
}

/** Forward x W + b; backward dy W^T (W read transposed) and x^T dy (x read transposed). */
function stepProducts(): Product[] {
  const widths = [FIELDS * DIM, ...MLP, 1];
  const out: Product[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l], widths[l + 1]];
    out.push({ mkn: [BATCH, fanIn, fanOut], bias: true }); // forward
    out.push({ mkn: [BATCH, fanOut, fanIn], transposeB: true }); // input gradient (the first layer's feeds the embeddings)
    out.push({ mkn: [fanIn, BATCH, fanOut], transposeA: true }); // weight gradient
  }
  return out;
}

/**
 * Milliseconds of all of one step's products on tfjs wasm by the GEMM (affine.ts's path) and by
 * explicit transposes + XNNPACK's matMul (its path before): medians over `reps` of their sums, the
 * two timed alternately.
 */
function tfjsProductsMs(reps: number): { gemm: number; xnnpack: number } {
  const operands = stepProducts().map(({ mkn: [m, k, n], transposeA, transposeB, bias }) => {
    const a = tf.randomNormal(transposeA ? [k, m] : [m, k]) as tf.Tensor2D;
    const b = tf.randomNormal(transposeB ? [n, k] : [k, n]) as tf.Tensor2D;
    return { a, b, options: { transposeA, transposeB, bias: bias ? (tf.randomNormal([n]) as tf.Tensor1D) : undefined } as GemmOptions };
  });
  const once = (product: typeof gemm) => {
    const t0 = performance.now();
    for (const { a, b, options } of operands) product(a, b, options).dispose(); // wasm kernels run synchronously
    return performance.now() - t0;
  };
  once(gemm);
  once(gemmComposed);
  const [g, x]: number[][] = [[], []];
  for (let r = 0; r < reps; r++) {
    g.push(once(gemm));
    x.push(once(gemmComposed));
  }
  tf.dispose(operands.flatMap(({ a, b, options }) => [a, b, ...(options.bias ? [options.bias] : [])]));
  return { gemm: median(g), xnnpack: median(x) };
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
  const shapes = stepProducts().map((p) => p.mkn);
  return Number(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(shapes), String(reps)], { encoding: 'utf8' }).trim());
}

function torchStepMs(): number {
  const r = torchDeepFmSamplesPerSecond({ cardinality: 1000, warmup: 2, steps: 20, threads: 1 });
  return (BATCH / r.samplesPerS) * 1000;
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const reps = arg('reps', 7);
  await selectBackend('wasm');
  const flops = stepProducts().reduce((s, { mkn: [m, k, n] }) => s + 2 * m * k * n, 0);
  console.log(
    `DeepFM ${FIELDS}x${DIM}, MLP ${MLP.join('-')}, batch ${BATCH}: ${stepProducts().length} products, ${(flops / 1e9).toFixed(2)} GFLOP per step; one thread each`,
  );
  const tfjs: number[] = [];
  const xnnpack: number[] = [];
  const torchProducts: number[] = [];
  const torchStep: number[] = [];
  let quiet = true;
  for (let r = 0; r < runs; r++) {
    const busy = await othersBusy();
    quiet &&= !(busy > 0.3);
    const products = tfjsProductsMs(reps);
    tfjs.push(products.gemm);
    xnnpack.push(products.xnnpack);
    torchProducts.push(torchProductsMs(reps));
    torchStep.push(torchStepMs());
    const load = loadavg()[0].toFixed(2);
    console.log(
      `run ${r + 1}/${runs} (load ${load}, others ${busy.toFixed(2)} cores): tfjs wasm products ${tfjs[r].toFixed(1)} ms (transposes + XNNPACK ${xnnpack[r].toFixed(1)} ms), PyTorch products ${torchProducts[r].toFixed(1)} ms, PyTorch whole step ${torchStep[r].toFixed(1)} ms`,
    );
  }
  const [p, x, q, s] = [median(tfjs), median(xnnpack), median(torchProducts), median(torchStep)];
  console.log(
    `medians of ${runs}: tfjs wasm products ${p.toFixed(1)} ms (${(flops / p / 1e6).toFixed(1)} GFLOP/s; transposes + XNNPACK ${x.toFixed(1)} ms, ${(x / p).toFixed(2)}x slower), PyTorch products ${q.toFixed(1)} ms (${(flops / q / 1e6).toFixed(1)} GFLOP/s), PyTorch whole step ${s.toFixed(1)} ms`,
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
