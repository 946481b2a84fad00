/** Test and bench helpers: tfjs backends in Node (cpu always; wasm from the package's own .wasm files). */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { installWasmTranspose } from '../../src/engine/wasmTranspose.ts';
import { installWasmSharedCopies } from '../../src/engine/wasmSharedCopies.ts';
import { installWasmSlice } from '../../src/engine/wasmSlice.ts';
import { installWasmConcat } from '../../src/engine/wasmConcat.ts';

let wasmPathsSet = false;

export async function selectBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm' && !wasmPathsSet) {
    wasmPathsSet = true;
    const dist = fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));
    setWasmPaths(dist);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    installWasmTranspose();
    installWasmSharedCopies();
    installWasmSlice();
    installWasmConcat();
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not start`);
  await tf.ready();
}

/** The earlier name, still imported by src/models/multitask tests. */
export const useBackend = selectBackend;
