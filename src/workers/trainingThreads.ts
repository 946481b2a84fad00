/**
 * The training worker's wasm thread count. By default every core but one: with every core in the
 * wasm pool, the page's main thread waited for CPU and chart updates became long tasks on a
 * 2-core machine (tfjs-backend-wasm also caps its pool at half the cores). `?wasm-threads=N` in
 * the page's address asks for exactly N (bench:train compares thread counts); the page hands its
 * query to the worker in the worker's name.
 */

const PREFIX = 'reclens-training';

/** The worker's name: the page's query (`location.search`, '' or '?…') after a fixed prefix. */
export const trainingWorkerName = (pageQuery: string): string => PREFIX + pageQuery;

/** Threads for a worker named `workerName` on `cores` cores; `exact`: the page asked for them. */
export function trainingWasmThreads(workerName: string, cores: number): { threads: number; exact: boolean } {
  const query = workerName.startsWith(`${PREFIX}?`) ? workerName.slice(PREFIX.length) : '';
  const asked = Number(new URLSearchParams(query).get('wasm-threads'));
  return Number.isInteger(asked) && asked >= 1 ? { threads: asked, exact: true } : { threads: Math.max(1, cores - 1), exact: false };
}
