/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createMultitaskService } from './multitaskService.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
const service = createMultitaskService(async () => {
  const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
  setupWasmBackend();
});

/** Releases a Comlink callback proxy's port once the call it served has ended. */
const release = (callback: unknown) => (callback as Comlink.Remote<unknown>)[Comlink.releaseProxy]();

Comlink.expose({
  ...service,
  async train(...args: Parameters<typeof service.train>) {
    try {
      return await service.train(...args);
    } finally {
      release(args[1]);
    }
  },
  async measureConflicts(...args: Parameters<typeof service.measureConflicts>) {
    try {
      return await service.measureConflicts(...args);
    } finally {
      release(args[1]);
    }
  },
});
