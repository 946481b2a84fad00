import { describe, expect, it } from 'vitest';
import { createBackendService } from './backendService.ts';

describe('createBackendService', () => {
  it('runs the backend ladder lazily, after the preparation hook, and reports the float64 Gram', async () => {
    let prepared = 0;
    const service = createBackendService(async () => void prepared++);
    expect(prepared).toBe(0);
    const state = await service.backends();
    expect(prepared).toBe(1);
    expect(['wasm', 'cpu']).toContain(state.active);
    expect(state.gramEngine).toBe('float64-js');
    const cpu = await service.setBackend('cpu');
    expect(cpu.active).toBe('cpu');
    expect(prepared).toBe(1);
  });
});
