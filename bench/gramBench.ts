/**
 * Gram accumulation throughput: `npm run bench:gram -- [rows] [dim] [mode]`.
 * GFLOP/s counts the full Gram, 2 N K^2 flops (symmetry halves the work actually done).
 */
import { GramAccumulator } from '../src/analysis/gramAccumulator.ts';
import type { SpectrumMode } from '../src/contracts/tables.ts';

const rows = Number(process.argv[2] ?? 200_000);
const dim = Number(process.argv[3] ?? 64);
const mode = (process.argv[4] ?? 'raw') as SpectrumMode;
const chunkRows = 8192;

const data = new Float32Array(rows * dim);
let seed = 1;
for (let i = 0; i < data.length; i++) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  data[i] = seed / 2 ** 32 - 0.5;
}

function run(): number {
  const acc = new GramAccumulator(dim, mode);
  const t0 = performance.now();
  for (let r = 0; r < rows; r += chunkRows) {
    const n = Math.min(chunkRows, rows - r);
    acc.add(data.subarray(r * dim, (r + n) * dim), n);
  }
  acc.gram();
  return (performance.now() - t0) / 1000;
}

run(); // warm-up (JIT)
const times = [run(), run(), run()].sort((a, b) => a - b);
const best = times[0];
console.log(
  `${rows} x ${dim} ${mode}: best ${(best * 1000).toFixed(0)} ms, ` +
    `${((2 * rows * dim * dim) / best / 1e9).toFixed(2)} GFLOP/s (full-Gram flops), ` +
    `median ${(times[1] * 1000).toFixed(0)} ms`,
);
