/**
 * A bench's tfjs work at one wasm thread count, in a child process of its own: a module's pool is
 * fixed when it starts, so each count needs its own process. 1 thread is the single-thread SIMD
 * build tfjs runs in Node; more is the threaded build on a worker_threads pool, as `reclens train`
 * starts it (src/cli/nodeWasmThreads.ts).
 */
import { execFileSync } from 'node:child_process';
import { startThreadedWasm } from '../src/cli/nodeWasmThreads.ts';
import { selectBackend } from '../test/support/testBackend.ts';

const FLAG = '--wasm-child';

/** Runs `script` (the bench's own file) as a child on `threads` wasm threads with `job`; the JSON it answered. */
export function inWasmChild<T>(script: string, threads: number, job: unknown): T {
  const out = execFileSync(process.execPath, [...process.execArgv, script, FLAG, String(threads), JSON.stringify(job)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

/**
 * In a child started by inWasmChild: selects its wasm backend, runs `work` on the job, prints the
 * answer and exits (the pool's threads would keep the process alive). Elsewhere returns false.
 */
export async function answerWasmChild<J, T>(work: (job: J, threads: number) => T | Promise<T>): Promise<boolean> {
  const i = process.argv.indexOf(FLAG);
  if (i < 0) return false;
  const threads = Number(process.argv[i + 1]);
  await selectBackend('wasm'); // this project's wasm kernels, registered for any 'wasm' backend
  if (threads > 1 && (await startThreadedWasm(threads)) !== threads) throw new Error(`the wasm pool did not start ${threads} threads`);
  console.log(JSON.stringify(await work(JSON.parse(process.argv[i + 2]) as J, threads)));
  process.exit(0);
}
