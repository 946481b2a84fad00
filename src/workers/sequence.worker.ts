/// <reference lib="webworker" />
import { sequenceData } from './sequenceData.ts';
import { createSequenceService } from './sequenceService.ts';
import { workerWasmThreads } from './wasmThreads.ts';
import { exposeService } from './workerRpc.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
const service = createSequenceService({
  prepareTf: async () => {
    const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
    setupWasmBackend(workerWasmThreads(self.name, navigator.hardwareConcurrency ?? 1));
  },
  importEngine: () => import('./sequenceEngine.ts').then((m) => m.sequenceEngine),
  data: sequenceData,
});

exposeService(service);
