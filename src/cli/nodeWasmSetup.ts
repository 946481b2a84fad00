/**
 * tfjs in Node for the command line: points tfjs-backend-wasm at the package's own .wasm files
 * (the browser's setup, engine/wasmSetup.ts, uses Vite's `?url` imports instead) with the
 * single-thread SIMD binary or, given `threads`, the threaded build on a pool of that many
 * worker threads (nodeWasmThreads.ts), and keeps the CPU backend's "install tfjs-node" banner
 * off stderr. Call before the first setBackend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installWasmTranspose } from '../engine/wasmTranspose.ts';
import { installWasmSharedCopies } from '../engine/wasmSharedCopies.ts';
import { installWasmSlice } from '../engine/wasmSlice.ts';
import { installWasmConcat } from '../engine/wasmConcat.ts';
import { startThreadedWasm } from './nodeWasmThreads.ts';

let done = false;

export async function setupNodeTf(threads?: number): Promise<void> {
  if (done) return;
  done = true;
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(join(dirname(entry), '/'));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  installWasmTranspose();
  installWasmSharedCopies();
  installWasmSlice();
  installWasmConcat();
  if (threads !== undefined) await startThreadedWasm(threads);
  // The CPU backend prints its banner on its first write; marking that done keeps stderr for
  // progress. (A private field: should it change, the banner just comes back.)
  if (await tf.setBackend('cpu')) (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}
