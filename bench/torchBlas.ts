/**
 * Which BLAS the PyTorch reference multiplies with. Debian's python3-torch runs on whatever
 * libblas.so.3 the alternatives point at: the reference libblas (~6 GFLOP/s a thread here) when
 * OpenBLAS is not installed, ~10x slower than OpenBLAS or MKL, which would flatter tfjs in every
 * ratio. The benches print the libraries and void their verdicts without a fast BLAS.
 */
import { execFileSync } from 'node:child_process';

const PROBE = [
  'import torch',
  'torch.ones(64, 64) @ torch.ones(64, 64)',
  'paths = {l.split()[-1] for l in open("/proc/self/maps") if ".so" in l}',
  'print("\\n".join(sorted(p for p in paths if "blas" in p.lower() or "mkl" in p.lower())))',
].join('\n');

export interface TorchBlas {
  /** The BLAS / MKL shared libraries a PyTorch process loads. */
  libraries: string[];
  /** True when none of them is OpenBLAS or MKL: the ratios against PyTorch mean nothing. */
  slow: boolean;
}

export function torchBlas(python = '/usr/bin/python3'): TorchBlas {
  const libraries = execFileSync(python, ['-c', PROBE], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return { libraries, slow: libraries.length > 0 && !libraries.some((path) => /openblas|mkl/i.test(path)) };
}

/** One line for a bench's output. */
export function torchBlasLine(blas: TorchBlas): string {
  return `PyTorch's BLAS: ${blas.libraries.join(', ') || 'none found'}${blas.slow ? ' (not OpenBLAS or MKL: every ratio against PyTorch is void)' : ''}`;
}

/** A verdict, voided when PyTorch runs without a fast BLAS. */
export function blasVerdict(verdict: string, blas: TorchBlas): string {
  return blas.slow ? `${verdict} (void: PyTorch runs without OpenBLAS or MKL)` : verdict;
}
