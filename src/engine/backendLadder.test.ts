import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { activateBackend, activateBestBackend, fastestBackend, probeBackends } from './backendLadder.ts';
import type { BackendReport } from '../contracts/backend.ts';

describe('fastestBackend', () => {
  it('picks by measured time, so a fast-named but slow fallback adapter loses', () => {
    const reports: BackendReport[] = [
      { name: 'webgpu', available: true, isFallbackAdapter: true, adapter: 'google/swiftshader', probeMs: 30 },
      { name: 'webgl', available: false, error: 'no context' },
      { name: 'wasm', available: true, probeMs: 2 },
      { name: 'cpu', available: true, probeMs: 40 },
    ];
    expect(fastestBackend(reports)).toBe('wasm');
  });

  it('ignores unavailable backends and returns null when none ran', () => {
    expect(fastestBackend([{ name: 'webgl', available: false, probeMs: 1 }])).toBeNull();
    expect(fastestBackend([])).toBeNull();
  });
});

describe('probeBackends in Node', () => {
  it('reports webgpu/webgl unavailable with a reason and times cpu and wasm', async () => {
    const reports = await probeBackends({ size: 64, repeats: 3 });
    expect(reports.map((r) => r.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    const byName = Object.fromEntries(reports.map((r) => [r.name, r]));
    expect(byName.webgpu.available).toBe(false);
    expect(byName.webgpu.error).toMatch(/navigator\.gpu|WebGPU/);
    expect(byName.webgl.available).toBe(false);
    expect(byName.webgl.error).toBeTruthy();
    for (const name of ['cpu', 'wasm']) {
      expect(byName[name].available).toBe(true);
      expect(byName[name].probeMs).toBeGreaterThan(0);
    }
    // Node's wasm backend is single-threaded (no pool); only wasm reports a thread count.
    expect(byName.wasm.threads).toBe(1);
    expect(byName.cpu.threads).toBeUndefined();
  });

  it('activates the fastest and reads the active backend back from tfjs', async () => {
    const state = await activateBestBackend();
    expect(state.active).toBe(tf.getBackend());
    expect(state.active).toBe(fastestBackend(state.reports));
    expect(state.gramEngine).toBe('float64-js');
  });

  it('switching to an unregistered backend leaves the previous one active and says so', async () => {
    const cpu = await activateBackend('cpu');
    expect(cpu.active).toBe('cpu');
    const gpu = await activateBackend('webgpu');
    expect(gpu.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
