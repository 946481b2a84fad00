/// <reference lib="webworker" />
import { createTrainingService } from './trainingService.ts';
import { workerWasmThreads } from './wasmThreads.ts';
import { exposeService } from './workerRpc.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
const service = createTrainingService(async () => {
  const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
  setupWasmBackend(workerWasmThreads(self.name, navigator.hardwareConcurrency ?? 1));
});

// The exported bytes move to the UI without a copy.
exposeService(service, { exportTables: (exported) => exported.files.map((f) => f.bytes.buffer as ArrayBuffer) });
