/**
 * Vite build plugin: keeps tfjs-backend-wasm's threaded factory out of the minifier's reach.
 *
 * Why: tfjs starts each pthread worker from `WasmBackendModuleThreadedSimd.toString()`, i.e. the
 * factory's source text re-evaluated alone in the worker. The Emscripten factory reads the closure
 * variable `_scriptDir` behind a `typeof _scriptDir !== "undefined"` guard; the minifier renames
 * it (to `e`) and, knowing it is declared, drops the guard. In the worker that closure is gone,
 * so every pthread dies with "ReferenceError: e is not defined" and setBackend('wasm') never
 * settles. Loading the factory from its verbatim source text (evaluated once with `new Function`)
 * makes toString() return exactly what tfjs shipped.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';

const THREADED_FACTORY = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;

export function tfjsWasmThreadsPlugin(): Plugin {
  return {
    name: 'reclens:tfjs-wasm-threads',
    apply: 'build',
    enforce: 'pre',
    async load(id) {
      if (!THREADED_FACTORY.test(id.split('?')[0])) return null;
      const source = await readFile(id.split('?')[0], 'utf8');
      return [
        'const module = { exports: {} };',
        `new Function('module', 'exports', ${JSON.stringify(source)})(module, module.exports);`,
        'export default module.exports;',
      ].join('\n');
    },
  };
}
