/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createBackendService } from './backendService.ts';

Comlink.expose(
  createBackendService(async () => {
    const { setupWasmBackend } = await import('../engine/wasmSetup.ts');
    setupWasmBackend();
  }),
);
