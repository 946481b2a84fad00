/**
 * The wasm thread count of the studio's training workers (CTR training, multi-task, sequence)
 * and of `reclens train`: by default every core, at most 8. tfjs-backend-wasm 4.22 would cap its
 * pool at half the cores (1 on a 2-core machine), and an earlier default left a core to the
 * page; measured on this 2-core machine (README, "Wasm threads"), 2 threads trained DeepFM ~2x
 * faster than 1 and the page's main thread still ran no task over 50 ms while training.
 * `?wasm-threads=N` in the page's address asks for N instead (bench:train compares thread
 * counts); the page hands its query to each worker in the worker's name.
 */

/** The studio's workers that train on a wasm pool. */
export type WasmWorkerRole = 'training' | 'multitask' | 'sequence';

/** tfjs-backend-wasm 4.22's threaded build starts at most 8 pool threads, whatever is asked. */
const MAX_WASM_THREADS = 8;

/** The worker's name: the page's query (`location.search`, '' or '?…') after a fixed prefix. */
export const wasmWorkerName = (role: WasmWorkerRole, pageQuery: string): string => `reclens-${role}${pageQuery}`;

/** Threads when nothing is asked: every core, at most 8, at least 1. */
export const defaultWasmThreads = (cores: number): number => Math.min(Math.max(1, cores), MAX_WASM_THREADS);

/** Threads for a worker named `workerName` (wasmWorkerName) on `cores` cores. */
export function workerWasmThreads(workerName: string, cores: number): number {
  const query = /^reclens-[a-z]+\?/.test(workerName) ? workerName.slice(workerName.indexOf('?')) : '';
  const asked = Number(new URLSearchParams(query).get('wasm-threads'));
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, MAX_WASM_THREADS) : defaultWasmThreads(cores);
}
