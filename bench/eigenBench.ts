/**
 * The float64 symmetric eigensolver (src/analysis/symmetricEigen.ts: Jacobi, Householder + QL above K = 256) on K x K symmetric matrices, the
 * size of a field's Gram, against numpy.linalg.eigvalsh (LAPACK) on the same matrices in the same
 * run. Prints ms per matrix, the ratio and the largest relative difference of the eigenvalues.
 *
 *   npm run bench:eigen   (tsx bench/eigenBench.ts [sizes, default 16,64,128,256,512,1024])
 */
import { spawnSync } from 'node:child_process';
import { symmetricEigenvalues } from '../src/analysis/symmetricEigen.ts';
import { seededRandom, symmetricWithEigenvalues } from '../test/support/testMatrices.ts';

const sizes = (process.argv[2] ?? '16,64,128,256,512,1024').split(',').map(Number);

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
import json, sys, time
import numpy as np
a = np.array(json.loads(sys.stdin.read()), dtype=np.float64)
n = int(np.sqrt(a.size)); a = a.reshape(n, n)
np.linalg.eigvalsh(a)
times = []
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter(); w = np.linalg.eigvalsh(a); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": sorted(times)[len(times) // 2], "eig": sorted(w.tolist(), reverse=True)}))
`;

console.log('K     ours ms     numpy ms   ours/numpy     max rel diff   (ours: Jacobi up to K = 256, Householder + QL above)');
for (const n of sizes) {
  const rand = seededRandom(n);
  const a = symmetricWithEigenvalues(
    Array.from({ length: n }, () => rand() ** 3),
    rand,
  );
  const repeats = n <= 64 ? 51 : 11;
  let eig: Float64Array = new Float64Array(0);
  const jsMs = medianMs(() => (eig = symmetricEigenvalues(a, n)), repeats);
  const py = spawnSync('python3', ['-c', NUMPY, String(repeats)], { input: JSON.stringify(Array.from(a)), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (py.status !== 0) throw new Error(`numpy reference failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout) as { ms: number; eig: number[] };
  const scale = Math.max(...ref.eig.map(Math.abs));
  const diff = Math.max(...ref.eig.map((v, i) => Math.abs(v - eig[i]) / scale));
  console.log(
    `${String(n).padEnd(6)}${jsMs.toFixed(3).padStart(9)}  ${ref.ms.toFixed(3).padStart(9)}   ${(jsMs / ref.ms).toFixed(1).padStart(10)}x   ${diff.toExponential(1)}`,
  );
}
