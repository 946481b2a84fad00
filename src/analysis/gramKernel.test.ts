import { describe, expect, it } from 'vitest';
import { jsGramKernel, paddedStride, type GramKernel } from './gramKernel.ts';
import { wasmGramKernel } from './gramKernelWasm.ts';

/** Values of row r, column j: varied signs and magnitudes; row 5 holds a NaN, row 9 an Inf. */
function value(r: number, j: number, k: number): number {
  if (r === 5 && j === k - 1) return NaN;
  if (r === 9 && j === 0) return -Infinity;
  return Math.sin(r * k * 1.7 + j) * (1 + ((r + j) % 7));
}

/** Converts two pieces of rows (float32, then float64) into one block, sums it twice, and checks every output against plain loops. */
function checkKernel(make: (k: number) => GramKernel): void {
  for (const k of [1, 2, 3, 5, 7, 8, 33, 64]) {
    const kernel = make(k);
    expect(kernel.stride).toBe(paddedStride(k));
    const [first, second] = [13, 24];
    const rows = first + second;
    const vals = Array.from({ length: rows * k }, (_, i) => value(Math.floor(i / k), i % k, k));
    kernel.in32.set(vals.slice(0, first * k));
    kernel.convert(first, 0, false);
    kernel.in64.set(vals.slice(first * k));
    kernel.convert(second, first, true);
    // float32 rows are rounded to float32 first
    const x = vals.map((v, i) => (i < first * k ? Math.fround(v) : v));
    const clean = (r: number) => r !== 5 && r !== 9;
    for (let r = 0; r < rows; r++) {
      let sq = 0;
      for (let j = 0; j < k; j++) sq += x[r * k + j] ** 2;
      expect(Number.isNaN(kernel.poison[r])).toBe(!clean(r));
      if (clean(r)) {
        expect(kernel.poison[r]).toBe(0);
        expect(Math.abs(kernel.sumSq[r] - sq)).toBeLessThanOrEqual(1e-15 * k * sq);
      }
      for (let j = 0; j < k; j++) if (clean(r)) expect(kernel.x[r * kernel.stride + j]).toBe(x[r * k + j]);
      for (let j = k; j < kernel.stride; j++) expect(kernel.x[r * kernel.stride + j]).toBe(0);
    }
    // Zero the poisoned rows, as the accumulator drops them, and sum the block twice.
    for (const r of [5, 9]) kernel.x.fill(0, r * kernel.stride, (r + 1) * kernel.stride);
    kernel.addRows(rows);
    kernel.addRows(rows);
    kernel.addColumns(rows);
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let r = 0; r < rows; r++) if (clean(r)) s += x[r * k + i];
      expect(Math.abs(kernel.colSum[i] - s)).toBeLessThanOrEqual(1e-13 * rows);
      for (let j = i; j < k; j++) {
        let g = 0;
        for (let r = 0; r < rows; r++) if (clean(r)) g += x[r * k + i] * x[r * k + j];
        expect(Math.abs(kernel.upper[i * kernel.stride + j] - 2 * g)).toBeLessThanOrEqual(1e-13 * rows);
      }
    }
  }
}

describe('Gram kernels', () => {
  it('the JS kernel converts rows, flags NaN/Inf rows and adds x^T x to the upper triangle', () => checkKernel(jsGramKernel));

  it('the WebAssembly SIMD kernel (available in Node) does the same', () => {
    expect(wasmGramKernel(4)).not.toBeNull();
    checkKernel((k) => wasmGramKernel(k)!);
  });

  it('the two kernels sum a full block to within rounding', () => {
    const k = 37;
    const [a, b] = [jsGramKernel(k), wasmGramKernel(k)!];
    for (const kernel of [a, b]) {
      kernel.in32.set(Array.from({ length: kernel.capacity * k }, (_, i) => Math.cos(i * 0.37) * 3));
      kernel.convert(kernel.capacity, 0, false);
      kernel.addRows(kernel.capacity);
    }
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) expect(b.upper[i * b.stride + j]).toBeCloseTo(a.upper[i * a.stride + j], 10);
  });

  it('each WebAssembly kernel has its own memory', () => {
    const [a, b] = [wasmGramKernel(3)!, wasmGramKernel(3)!];
    a.x.fill(1);
    a.addRows(8);
    expect(a.upper[0]).toBe(8);
    expect(b.upper[0]).toBe(0);
  });
});
