import { describe, expect, it } from 'vitest';
import { defaultWasmThreads, wasmWorkerName, workerWasmThreads, type WasmWorkerRole } from './wasmThreads.ts';

const ROLES: WasmWorkerRole[] = ['training', 'multitask', 'sequence'];

describe('workerWasmThreads', () => {
  it('takes every core by default, at most 8, never fewer than one, for every worker', () => {
    for (const role of ROLES) {
      const threadsFor = (query: string, cores: number) => workerWasmThreads(wasmWorkerName(role, query), cores);
      expect(threadsFor('', 2)).toBe(2);
      expect(threadsFor('', 8)).toBe(8);
      expect(threadsFor('', 16)).toBe(8);
      expect(threadsFor('', 1)).toBe(1);
      expect(threadsFor('', 0)).toBe(1);
      expect(threadsFor('?view=x', 4)).toBe(4);
    }
    expect([0, 1, 2, 8, 9].map(defaultWasmThreads)).toEqual([1, 1, 2, 8, 8]);
  });

  it("takes the page's ?wasm-threads=N, at most 8, for every worker", () => {
    for (const role of ROLES) {
      const threadsFor = (query: string, cores: number) => workerWasmThreads(wasmWorkerName(role, query), cores);
      expect(threadsFor('?wasm-threads=1', 2)).toBe(1);
      expect(threadsFor('?a=b&wasm-threads=3', 8)).toBe(3);
      // tfjs's threaded build starts no more than 8 (the badge read 8 at 12 and at 100000).
      expect(threadsFor('?wasm-threads=100000', 2)).toBe(8);
    }
  });

  it('ignores a count that is not a positive integer, and a name without the prefix', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '']) expect(workerWasmThreads(wasmWorkerName('sequence', `?wasm-threads=${bad}`), 4)).toBe(4);
    expect(workerWasmThreads('other?wasm-threads=2', 4)).toBe(4);
    expect(workerWasmThreads('reclens-training', 4)).toBe(4);
  });
});
