/**
 * Writes test/eigen/reference.json: for each case of test/support/eigenCases.ts, the eigenvalues
 * by numpy.linalg.eigvalsh and by mpmath at 40 digits (scripts/eigenReference.py, Debian's
 * python3-numpy and python3-mpmath), descending, with the matrix checksum. A few minutes (mpmath
 * at n = 256).   npx tsx scripts/eigenReference.ts
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksum, EIGEN_CASE_SIZES, eigenCases } from '../test/support/eigenCases.ts';

const ROOT = join(import.meta.dirname, '..');
const cases = EIGEN_CASE_SIZES.flatMap(eigenCases);
const input = cases
  .map((c) => JSON.stringify({ name: c.name, n: c.n, matrix: Buffer.from(c.matrix.buffer, c.matrix.byteOffset, c.matrix.byteLength).toString('base64') }))
  .join('\n');
const py = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts', 'eigenReference.py')], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
if (py.status !== 0) throw new Error(`eigenReference.py failed: ${py.stderr}`);
const lines = py.stdout
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { name: string; numpy: number[]; mpmath40: number[]; versions: object });
const out = {
  about: 'Eigenvalues (descending) of test/support/eigenCases.ts matrices; made by scripts/eigenReference.ts',
  versions: lines[0].versions,
  cases: cases.map((c, i) => ({
    name: c.name,
    n: c.n,
    checksum: checksum(c.matrix),
    numpy: [...lines[i].numpy].reverse(),
    mpmath40: [...lines[i].mpmath40].reverse(),
  })),
};
writeFileSync(join(ROOT, 'test', 'eigen', 'reference.json'), JSON.stringify(out) + '\n');
console.log(`wrote ${cases.length} cases`);
