/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createAnalysisService } from './analysisService.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends.
const service = createAnalysisService(async () => {
  const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
  setupWasmBackend();
});

Comlink.expose({
  ...service,
  // The progress callback arrives as a Comlink proxy; release its port when the job ends.
  async analyze(...args: Parameters<typeof service.analyze>) {
    try {
      return await service.analyze(...args);
    } finally {
      (args[2] as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
    }
  },
});
