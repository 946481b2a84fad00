/**
 * The float64 symmetric eigensolvers of src/analysis (cyclic Jacobi, Householder + QL) on K x K
 * Gram-like matrices (eigenvalues falling geometrically from 1 to 1e-8, as a collapsed field's),
 * against numpy.linalg.eigvalsh (LAPACK) on the same matrices in the same run. Prints the median
 * ms of each (>= 5 runs after a warm-up), the ratio to numpy, and how far each is from numpy:
 * max |lambda - numpy| / lambda_max, and the worst relative error of the eigenvalues >= 1e-6 lambda_max.
 * The default solver (symmetricEigenvalues) picks Jacobi up to JACOBI_MAX_N. Ratios are printed
 * only while the 1-minute load average is below LOAD_LIMIT (a loaded machine's ratios mean little).
 *
 *   npm run bench:eigen   (tsx bench/eigenBench.ts [sizes, default 16,32,64,96,128,192,256,384,512,1024])
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { householderQlEigenvalues } from '../src/analysis/householderQl.ts';
import { jacobiEigenvalues } from '../src/analysis/jacobiEigen.ts';
import { JACOBI_MAX_N } from '../src/analysis/symmetricEigen.ts';
import { seededRandom, symmetricWithEigenvalues } from '../test/support/testMatrices.ts';

const sizes = (process.argv[2] ?? '16,32,64,96,128,192,256,384,512,1024').split(',').map(Number);
/** Jacobi is not timed above this size (seconds per call). */
const JACOBI_BENCH_MAX = 512;
const LOAD_LIMIT = 1.5;

/** Median of `repeats` timings of f, in ms, after one warm-up call. */
function medianMs(f: () => void, repeats: number): number {
  f();
  const times = Array.from({ length: repeats }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)];
}

const NUMPY = `
import base64, json, sys, time
import numpy as np
n = int(sys.argv[2])
a = np.frombuffer(base64.b64decode(sys.stdin.read()), dtype="<f8").reshape(n, n)
np.linalg.eigvalsh(a)
times = []
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter(); w = np.linalg.eigvalsh(a); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": sorted(times)[len(times) // 2], "eig": sorted(w.tolist(), reverse=True)}))
`;

const descending = (v: Float64Array) => Float64Array.from(v).sort().reverse();

function accuracy(got: Float64Array, ref: number[]): string {
  const top = ref[0];
  let abs = 0;
  let rel = 0;
  ref.forEach((v, i) => {
    abs = Math.max(abs, Math.abs(got[i] - v) / top);
    if (v >= 1e-6 * top) rel = Math.max(rel, Math.abs(got[i] - v) / v);
  });
  return `${abs.toExponential(1)} ${rel.toExponential(1)}`;
}

const load = () => loadavg()[0];
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (ratios shown only below ${LOAD_LIMIT}); default: Jacobi up to K = ${JACOBI_MAX_N}`,
);
console.log('accuracy columns: max |l - numpy| / l_max, then max |l - numpy| / l over l >= 1e-6 l_max');
const head = ['K', 'jacobi ms', 'HQL ms', 'numpy ms', 'jacobi/numpy', 'HQL/numpy', 'jacobi acc', 'HQL acc', 'load'];
console.log(head.map((h) => h.padStart(16)).join(''));
for (const n of sizes) {
  const rand = seededRandom(n);
  const a = symmetricWithEigenvalues(
    Array.from({ length: n }, (_, i) => 10 ** ((-8 * i) / (n - 1))),
    rand,
  );
  const repeats = n <= 128 ? 21 : n <= 512 ? 7 : 5;
  const py = spawnSync('/usr/bin/python3', ['-c', NUMPY, String(Math.max(repeats, 11)), String(n)], {
    input: Buffer.from(a.buffer).toString('base64'),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (py.status !== 0) throw new Error(`numpy reference failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout) as { ms: number; eig: number[] };
  let jac: Float64Array | null = null;
  let hql: Float64Array = new Float64Array(0);
  const jacMs = n <= JACOBI_BENCH_MAX ? medianMs(() => (jac = jacobiEigenvalues(a, n)), n > 256 ? 5 : repeats) : NaN;
  const hqlMs = medianMs(() => (hql = householderQlEigenvalues(a, n)), repeats);
  const quiet = load() < LOAD_LIMIT;
  const ratio = (ms: number) => (quiet && Number.isFinite(ms) ? `${(ms / ref.ms).toFixed(1)}x` : '-');
  const row = [
    String(n),
    Number.isFinite(jacMs) ? jacMs.toFixed(3) : '-',
    hqlMs.toFixed(3),
    ref.ms.toFixed(3),
    ratio(jacMs),
    ratio(hqlMs),
    jac ? accuracy(descending(jac), ref.eig) : '-',
    accuracy(descending(hql), ref.eig),
    load().toFixed(2),
  ];
  console.log(row.map((c) => c.padStart(16)).join(''));
}
