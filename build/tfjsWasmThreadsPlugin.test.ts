import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tfjsWasmThreadsPlugin } from './tfjsWasmThreadsPlugin.ts';

const pkg = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const factoryPath = join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');

async function load(id: string): Promise<string | null> {
  const hook = tfjsWasmThreadsPlugin().load as (id: string) => Promise<string | null>;
  return hook(id);
}

describe('tfjsWasmThreadsPlugin', () => {
  it('is a build-only plugin and leaves every other module alone', async () => {
    expect(tfjsWasmThreadsPlugin().apply).toBe('build');
    expect(await load(join(pkg, 'wasm-out', 'tfjs-backend-wasm.js'))).toBeNull();
    expect(await load('/src/main.tsx')).toBeNull();
  });

  it('serves the threaded factory from its verbatim source, so toString() keeps the _scriptDir guard', async () => {
    const code = await load(factoryPath);
    expect(code).not.toBeNull();
    // Run the emitted module body (minus its export) and take what it would export.
    const body = (code as string).replace('export default module.exports;', 'return module.exports;');
    const factory = new Function(body)() as (...args: unknown[]) => unknown;
    expect(typeof factory).toBe('function');
    const text = factory.toString();
    expect(text).toContain('typeof _scriptDir !== "undefined" && _scriptDir');
    expect(text.startsWith('function(WasmBackendModuleThreadedSimd)')).toBe(true);
  });
});
