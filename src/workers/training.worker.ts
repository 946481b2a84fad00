/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createTrainingService } from './trainingService.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
// Training leaves one core to the page: with every core in the wasm pool, the main thread waited
// for CPU and chart updates became long tasks on a 2-core machine.
const service = createTrainingService(async () => {
  const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
  setupWasmBackend(Math.max(1, (navigator.hardwareConcurrency ?? 1) - 1));
});

/** Releases a Comlink callback proxy's port once the call it served has ended. */
const release = (callback: unknown) => (callback as Comlink.Remote<unknown>)[Comlink.releaseProxy]();

Comlink.expose({
  ...service,
  async load(...args: Parameters<typeof service.load>) {
    try {
      return await service.load(...args);
    } finally {
      release(args[1]);
    }
  },
  async train(...args: Parameters<typeof service.train>) {
    try {
      return await service.train(...args);
    } finally {
      release(args[1]);
    }
  },
  // The exported bytes move to the UI without a copy.
  async exportTables() {
    const exported = await service.exportTables();
    return Comlink.transfer(exported, exported.files.map((f) => f.bytes.buffer as ArrayBuffer));
  },
});
