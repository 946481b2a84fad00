import { describe, expect, it } from 'vitest';
import { trainingWasmThreads, trainingWorkerName } from './trainingThreads.ts';

const threadsFor = (query: string, cores: number) => trainingWasmThreads(trainingWorkerName(query), cores);

describe('trainingWasmThreads', () => {
  it('leaves one core to the page by default, and never goes below one thread', () => {
    expect(threadsFor('', 2)).toEqual({ threads: 1, exact: false });
    expect(threadsFor('', 8)).toEqual({ threads: 7, exact: false });
    expect(threadsFor('', 1)).toEqual({ threads: 1, exact: false });
    expect(threadsFor('?view=x', 4)).toEqual({ threads: 3, exact: false });
  });

  it("takes exactly the page's ?wasm-threads=N", () => {
    expect(threadsFor('?wasm-threads=2', 2)).toEqual({ threads: 2, exact: true });
    expect(threadsFor('?a=b&wasm-threads=1', 8)).toEqual({ threads: 1, exact: true });
  });

  it('ignores a count that is not a positive integer, and a name without the prefix', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '']) expect(threadsFor(`?wasm-threads=${bad}`, 4)).toEqual({ threads: 3, exact: false });
    expect(trainingWasmThreads('other?wasm-threads=2', 4)).toEqual({ threads: 3, exact: false });
  });
});
