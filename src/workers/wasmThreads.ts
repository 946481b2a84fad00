/**
 * The training worker's wasm thread count: by default every core, at most 8. tfjs-backend-wasm
 * 4.22 would cap its pool at half the cores (1 on a 2-core machine), and an earlier default left
 * a core to the page; measured on this 2-core machine (README, "Wasm threads"), 2 threads trained
 * DeepFM ~2x faster than 1 and the page's main thread still ran no task over 50 ms while training.
 * `?wasm-threads=N` in the page's address asks for N instead (bench:train compares thread
 * counts); the page hands its query to the worker in the worker's name.
 */

const PREFIX = 'reclens-training';
/** tfjs-backend-wasm 4.22's threaded build starts at most 8 pool threads, whatever is asked. */
const MAX_WASM_THREADS = 8;

/** The worker's name: the page's query (`location.search`, '' or '?…') after a fixed prefix. */
export const trainingWorkerName = (pageQuery: string): string => PREFIX + pageQuery;

/** Threads for a worker named `workerName` on `cores` cores. */
export function trainingWasmThreads(workerName: string, cores: number): number {
  const query = workerName.startsWith(`${PREFIX}?`) ? workerName.slice(PREFIX.length) : '';
  const asked = Number(new URLSearchParams(query).get('wasm-threads'));
  return Math.min(Number.isInteger(asked) && asked >= 1 ? asked : Math.max(1, cores), MAX_WASM_THREADS);
}
