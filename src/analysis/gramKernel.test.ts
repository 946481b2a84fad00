import { describe, expect, it } from 'vitest';
import { jsGramKernel, KERNEL_ROWS, type GramKernel } from './gramKernel.ts';
import { wasmGramKernel } from './gramKernelWasm.ts';

/** Folds three groups of rows into the kernel and checks the upper triangle against plain sums. */
function checkKernel(make: (k: number) => GramKernel): void {
  for (const k of [1, 2, 3, 7, 8, 33, 64]) {
    const kernel = make(k);
    const want = new Float64Array(k * k);
    for (let group = 0; group < 3; group++) {
      for (let i = 0; i < KERNEL_ROWS * k; i++) kernel.x[i] = Math.sin(i * 1.7 + group) * (1 + (i % k));
      kernel.addGroup();
      for (let i = 0; i < k; i++) {
        for (let j = i; j < k; j++) {
          let s = 0;
          for (let r = 0; r < KERNEL_ROWS; r++) s += kernel.x[r * k + i] * kernel.x[r * k + j];
          want[i * k + j] += s;
        }
      }
    }
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) expect(Math.abs(kernel.upper[i * k + j] - want[i * k + j])).toBeLessThan(1e-12 * k * k);
    }
  }
}

describe('Gram kernels', () => {
  it('the JS kernel adds x^T x to the upper triangle', () => checkKernel(jsGramKernel));

  it('the WebAssembly SIMD kernel (available in Node) adds the same sums', () => {
    expect(wasmGramKernel(4)).not.toBeNull();
    checkKernel((k) => wasmGramKernel(k)!);
  });

  it('each WebAssembly kernel has its own memory', () => {
    const [a, b] = [wasmGramKernel(3)!, wasmGramKernel(3)!];
    a.x.fill(1);
    a.addGroup();
    expect(a.upper[0]).toBe(KERNEL_ROWS);
    expect(b.upper[0]).toBe(0);
  });
});
