/**
 * tfjs-backend-wasm's threaded-SIMD build in Node, its XNNPACK pool on worker_threads, registered
 * as tfjs's 'wasm' backend. tfjs 4.22 runs this build only in a browser: its init hands
 * Emscripten the pthread script and the main script as Blobs (blob: URLs, which worker_threads
 * cannot start), and its C++ caps the pool at half the logical cores (1 on 2 cores). Here the
 * module is made directly: the pthread script is written to a file (one per script version, kept), the main script is given by
 * path, and os.cpus() reports 2 x threads while the module instantiates. A module's pool is fixed:
 * one thread count per process. The project's wasm kernels (Adam, Transpose, Slice, Concat) are
 * registered for any 'wasm' backend and work over the pool's shared memory.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];
type EmscriptenModule = Record<string, unknown> & { cwrap: (...a: unknown[]) => unknown };

const BUILD = 'tfjs-backend-wasm-threaded-simd';

/** The threaded-SIMD module, its pool sized for `threads`. */
async function threadedModule(threads: number): Promise<WasmModule> {
  const require = createRequire(import.meta.url);
  const out = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const { wasmWorkerContents } = require(join(out, `${BUILD}.worker.js`)) as { wasmWorkerContents: string };
  // As tfjs does before making its Blob: the script's string literals hold escaped newlines.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  // Named by its hash and left in place: processes killed before they could clean up leave
  // nothing new behind, and concurrent ones agree (each writes a whole file, then renames it).
  const workerFile = join(os.tmpdir(), `reclens-wasm-pthread-${createHash('sha256').update(script).digest('hex').slice(0, 16)}.cjs`);
  if (!existsSync(workerFile) || readFileSync(workerFile, 'utf8') !== script) {
    const partial = `${workerFile}.${randomUUID()}`;
    writeFileSync(partial, script);
    renameSync(partial, workerFile);
  }
  const factory = require(join(out, `${BUILD}.js`)) as (config: object) => Promise<EmscriptenModule>;
  const cpus = os.cpus;
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
  let module: EmscriptenModule;
  try {
    module = await factory({
      locateFile: (path: string) => (path.endsWith('.worker.js') ? workerFile : join(out, path)),
      mainScriptUrlOrBlob: join(out, `${BUILD}.js`),
    });
  } finally {
    os.cpus = cpus;
  }
  // What tfjs's init adds before it makes the backend.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module as unknown as WasmModule;
}

/**
 * Makes tfjs's 'wasm' backend the threaded build with a `threads`-thread pool (tfjs's threaded
 * build starts at most 8) and selects it; returns the pool's size as the backend reports it.
 */
export async function startThreadedWasm(threads: number): Promise<number> {
  const module = await threadedModule(threads);
  setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new BackendWasm(module));
  if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend did not start');
  return getThreadsCount();
}
