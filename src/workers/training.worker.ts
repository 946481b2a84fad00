/// <reference lib="webworker" />
import { createTrainingService } from './trainingService.ts';
import { exposeService } from './workerRpc.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
// Training leaves one core to the page: with every core in the wasm pool, the main thread waited
// for CPU and chart updates became long tasks on a 2-core machine.
const service = createTrainingService(async () => {
  const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
  setupWasmBackend(Math.max(1, (navigator.hardwareConcurrency ?? 1) - 1));
});

// The exported bytes move to the UI without a copy.
exposeService(service, { exportTables: (exported) => exported.files.map((f) => f.bytes.buffer as ArrayBuffer) });
