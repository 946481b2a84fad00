/**
 * Points tfjs-backend-wasm at the .wasm binaries Vite emits (browser/worker only: `?url` is a
 * Vite import). Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (COOP/COEP in
 * vite.config.ts); elsewhere the SIMD single-thread binary is used. Call before the first
 * setBackend('wasm'). `threads` sizes the wasm thread pool, lifting tfjs's cap so that the pool
 * gets `threads` even above half the logical cores (without: tfjs's default, half the cores).
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { installWasmTranspose } from './wasmTranspose.ts';
import { installWasmSharedCopies } from './wasmSharedCopies.ts';
import { installWasmSlice } from './wasmSlice.ts';
import { installWasmConcat } from './wasmConcat.ts';

let done = false;

/**
 * tfjs-backend-wasm 4.22 caps its pool at navigator.hardwareConcurrency / 2 (it counts two
 * hyperthreads a core), read when its module instantiates: on a 2-core machine 1 thread,
 * whatever setThreadsCount asked. A larger count seen by this worker lifts the cap.
 */
function liftThreadCap(threads: number): void {
  if ((navigator.hardwareConcurrency ?? 1) < 2 * threads) Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
}

export function setupWasmBackend(threads?: number): void {
  if (done) return;
  done = true;
  if (threads !== undefined) {
    setThreadsCount(threads);
    liftThreadCap(threads);
  }
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainUrl,
    'tfjs-backend-wasm-simd.wasm': simdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
  });
  if (!globalThis.crossOriginIsolated) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  installWasmTranspose();
  installWasmSharedCopies();
  installWasmSlice();
  installWasmConcat();
}
