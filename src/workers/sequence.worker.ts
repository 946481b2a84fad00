/// <reference lib="webworker" />
import { sequenceData } from './sequenceData.ts';
import { createSequenceService } from './sequenceService.ts';
import { exposeService } from './workerRpc.ts';

// tfjs (and the wasm binaries' URLs) load only when the UI first asks about backends or trains.
const service = createSequenceService({
  prepareTf: async () => {
    const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
    setupWasmBackend();
  },
  importEngine: () => import('./sequenceEngine.ts').then((m) => m.sequenceEngine),
  data: sequenceData,
});

exposeService(service);
