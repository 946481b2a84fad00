/// <reference lib="webworker" />
import { createMultitaskService } from './multitaskService.ts';
import { workerWasmThreads } from './wasmThreads.ts';
import { exposeService } from './workerRpc.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
const service = createMultitaskService(async () => {
  const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
  setupWasmBackend(workerWasmThreads(self.name, navigator.hardwareConcurrency ?? 1));
});

exposeService(service);
