import { describe, expect, it } from 'vitest';
import { blobStreamSource } from './blobStreamSource.ts';

const SIZE = (5 << 20) + 12345;
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7 + (i >> 11)) & 0xff);
const blob = new Blob([bytes]);

function same(got: Uint8Array, offset: number, length: number): boolean {
  const want = bytes.subarray(offset, Math.min(SIZE, offset + length));
  return got.length === want.length && got.every((b, i) => b === want[i]);
}

describe('blobStreamSource', () => {
  it('serves consecutive bulk reads, several in flight, with the file bytes', async () => {
    const src = blobStreamSource(blob, 't.bin');
    const step = 1_100_000;
    const reads = [0, 1, 2, 3, 4].map((i) => src.read(i * step, step));
    const got = await Promise.all(reads);
    got.forEach((g, i) => expect(same(g, i * step, step)).toBe(true));
    expect(got[4].length).toBe(SIZE - 4 * step);
    expect(new Set(got.map((g) => g.buffer)).size).toBe(5);
  });

  it('restarts where a bulk read jumps, and slices small reads', async () => {
    const src = blobStreamSource(blob, 't.bin');
    expect(same(await src.read(5, 100), 5, 100)).toBe(true);
    expect(same(await src.read(1 << 20, 1 << 20), 1 << 20, 1 << 20)).toBe(true);
    expect(same(await src.read(7, 1 << 20), 7, 1 << 20)).toBe(true);
    expect(same(await src.read((1 << 20) + 7, 1 << 20), (1 << 20) + 7, 1 << 20)).toBe(true);
    expect((await src.read(SIZE, 1 << 20)).length).toBe(0);
  });
});
