import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { tfjsWasmThreadsPlugin } from './build/tfjsWasmThreadsPlugin.ts';

// Threaded WASM (SharedArrayBuffer) needs cross-origin isolation in every server we run.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // tfjs-backend-wasm's threaded factory must reach pthread workers unminified (see the plugin).
  plugins: [react(), tfjsWasmThreadsPlugin()],
  base: './',
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es', plugins: () => [tfjsWasmThreadsPlugin()] },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'build/**/*.test.ts', 'fuzz/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
