/// <reference lib="webworker" />
import { createBackendService } from './backendService.ts';
import { exposeService } from './workerRpc.ts';

exposeService(
  createBackendService(async () => {
    const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
    setupWasmBackend();
  }),
);
