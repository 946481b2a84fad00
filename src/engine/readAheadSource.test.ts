import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../data/byteSource.ts';
import { readAheadSource } from './readAheadSource.ts';

function countingSource(size: number): ByteSource & { calls: [number, number][] } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => i % 251);
  const calls: [number, number][] = [];
  return {
    name: 'x',
    size,
    calls,
    async read(offset, length) {
      calls.push([offset, length]);
      return bytes.slice(offset, Math.min(size, offset + length));
    },
  };
}

describe('readAheadSource', () => {
  it('serves sequential bulk reads from the read issued ahead, with the same bytes', async () => {
    const src = countingSource(1000);
    const ra = readAheadSource(src, 100);
    const a = await ra.read(0, 300);
    expect(src.calls).toEqual([
      [0, 300],
      [300, 300],
    ]);
    const b = await ra.read(300, 300);
    expect(src.calls).toEqual([
      [0, 300],
      [300, 300],
      [600, 300],
    ]);
    expect(b[0]).toBe(300 % 251);
    expect(a.length).toBe(300);
    const c = await ra.read(600, 300);
    expect(c[0]).toBe(600 % 251);
    await ra.read(900, 300); // last block: nothing left to read ahead
    expect(src.calls.at(-1)).toEqual([900, 300]);
    expect(src.calls).toHaveLength(4);
  });

  it('passes small and out-of-order reads straight through', async () => {
    const src = countingSource(1000);
    const ra = readAheadSource(src, 100);
    await ra.read(0, 10);
    expect(src.calls).toEqual([[0, 10]]);
    await ra.read(0, 200);
    await ra.read(500, 200); // not the range read ahead
    expect(src.calls).toEqual([
      [0, 10],
      [0, 200],
      [200, 200],
      [500, 200],
      [700, 200],
    ]);
    expect((await ra.read(700, 200))[0]).toBe(700 % 251);
  });
});
