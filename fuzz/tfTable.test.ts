import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc } from '../src/data/formats/crc32c.ts';
import { createRng } from '../src/data/ctr/prng.ts';
import { byteSet } from './mutators.ts';
import { tableBlockEdit, tableBlocks } from './tfTable.ts';

const index = new Uint8Array(readFileSync(new URL('../test/tfcheckpoint/real.ckpt.index', import.meta.url)));
const trailerOk = (bytes: Uint8Array, b: { offset: number; size: number }) =>
  maskCrc(crc32c(bytes.subarray(b.offset, b.offset + b.size + 1))) ===
  new DataView(bytes.buffer, bytes.byteOffset + b.offset + b.size + 1, 4).getUint32(0, true);

describe('tfTable mutator', () => {
  it("finds tf.train.Saver's blocks (metaindex at 961, index at 974, one data block at 0)", () => {
    const blocks = tableBlocks(index);
    expect(blocks.slice(0, 2)).toEqual([
      { offset: 961, size: 8 },
      { offset: 974, size: 15 },
    ]);
    expect(blocks.slice(2).map((b) => b.offset)).toEqual([0]);
    for (const b of blocks) expect(trailerOk(index, b)).toBe(true);
  });

  it('changes bytes and leaves every checksum valid', () => {
    const rng = createRng(5);
    for (let i = 0; i < 20; i++) {
      const out = tableBlockEdit([byteSet]).apply(index, rng, { seeds: [] })!;
      const changed = out.some((v, j) => v !== index[j]);
      expect(changed).toBe(true);
      for (const b of tableBlocks(index)) expect(trailerOk(out, b)).toBe(true);
    }
  });
});
