import { describe, expect, it } from 'vitest';
import type { BackendReport } from '../contracts/backend.ts';
import { chooseGramEngine } from './gramPolicy.ts';

const gpu = (isFallbackAdapter: boolean): BackendReport[] => [
  { name: 'webgpu', available: true, isFallbackAdapter, probeMs: 1 },
  { name: 'wasm', available: true, probeMs: 5 },
];
const fastAndExact = { backendMs: 5, jsMs: 50, spectrumError: 1e-6 };

describe('chooseGramEngine', () => {
  it('uses the backend matmul only on a hardware WebGPU adapter that calibrated faster and within tolerance', () => {
    expect(chooseGramEngine('webgpu', gpu(false), fastAndExact)).toBe('backend-matmul');
    expect(chooseGramEngine('webgpu', gpu(true), fastAndExact)).toBe('float64-js');
    expect(chooseGramEngine('webgpu', gpu(false), { ...fastAndExact, backendMs: 60 })).toBe('float64-js');
    expect(chooseGramEngine('webgpu', gpu(false), { ...fastAndExact, spectrumError: 3e-4 })).toBe('float64-js');
    expect(chooseGramEngine('webgpu', gpu(false))).toBe('float64-js');
  });
  it('never uses it on wasm, webgl or cpu', () => {
    for (const name of ['wasm', 'webgl', 'cpu'] as const) {
      expect(chooseGramEngine(name, [{ name, available: true, probeMs: 1 }], fastAndExact)).toBe('float64-js');
    }
  });
});
